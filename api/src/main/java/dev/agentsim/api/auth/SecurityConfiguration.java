package dev.agentsim.api.auth;

import dev.agentsim.api.error.ErrorWriter;
import dev.agentsim.store.settings.SimulatorSettings;
import jakarta.servlet.DispatcherType;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.RequestCacheConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Who may call the API. With {@code simulator.auth.required} every request but health, the OpenAPI
 * document and its UI needs a credential: an API key ({@link ApiKeys}) in {@code X-API-Key} or
 * {@code Authorization: Bearer}, or a JWT of the issuer Spring Boot's resource server is configured
 * with ({@code spring.security.oauth2.resourceserver.jwt.*}), checked against the project the
 * request names ({@link ProjectAccess}). Without it every request is let through. The results
 * viewer has a chain of its own ({@link #viewerSecurity}).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

  private static final String[] OPEN = {
    "/actuator/health",
    "/actuator/health/**",
    "/v3/api-docs",
    "/v3/api-docs/**",
    "/swagger-ui.html",
    "/swagger-ui/**",
    "/v1/schema/**"
  };

  /** The results viewer's paths: its pages, its assets and the WebJars they load. */
  private static final String[] VIEWER = {"/", "/ui/**", "/webjars/**"};

  @Bean
  @Order(Ordered.LOWEST_PRECEDENCE)
  SecurityFilterChain apiSecurity(
      HttpSecurity http,
      ApiKeys keys,
      RequestProject projects,
      ObjectProvider<JwtDecoder> jwtDecoder,
      ErrorWriter errors,
      SimulatorSettings settings) {
    boolean required = settings.auth().required();
    String projectsClaim = settings.auth().jwt().projectsClaim();
    AuthFailures failures = new AuthFailures(errors);
    // A stateless API: no session, and no cookie a cross-site request could ride on (hence no CSRF
    // token).
    http.csrf(AbstractHttpConfigurer::disable)
        .sessionManagement(
            session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        // nothing to log out of: POST /logout is no endpoint of the API
        .logout(AbstractHttpConfigurer::disable)
        .exceptionHandling(
            exceptions ->
                exceptions.authenticationEntryPoint(failures).accessDeniedHandler(failures));
    if (!required) {
      return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll()).build();
    }
    AuthenticationManager credentials =
        credentials(keys, jwtDecoder.getIfAvailable(), projectsClaim);
    return http.oauth2ResourceServer(
            server ->
                server
                    .bearerTokenResolver(new Credentials())
                    .authenticationManagerResolver(request -> credentials)
                    .authenticationEntryPoint(failures)
                    .accessDeniedHandler(failures))
        .authorizeHttpRequests(
            requests ->
                requests
                    // an error page the container forwards to was authorized as the request that
                    // failed
                    .dispatcherTypeMatchers(DispatcherType.ERROR)
                    .permitAll()
                    .requestMatchers(OPEN)
                    .permitAll()
                    .anyRequest()
                    .access(new ProjectAccess(projects)))
        .build();
  }

  /**
   * The results viewer's pages, its sign-in form and what they load. With authentication required a
   * page takes the credential the API takes, or the cookie of the sign-in form; either way it must
   * be allowed the project the page names, as the API would. Its forms (stop, rejudge, sign in)
   * carry a CSRF token, kept in a cookie since nothing here has a session.
   */
  @Bean
  @Order(Ordered.LOWEST_PRECEDENCE - 1)
  SecurityFilterChain viewerSecurity(
      HttpSecurity http,
      ApiKeys keys,
      RequestProject projects,
      ObjectProvider<JwtDecoder> jwtDecoder,
      SimulatorSettings settings) {
    ViewerAuthFailures failures = new ViewerAuthFailures();
    http.securityMatcher(VIEWER)
        .csrf(csrf -> csrf.csrfTokenRepository(new CookieCsrfTokenRepository()))
        .sessionManagement(
            session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .requestCache(RequestCacheConfigurer::disable)
        .exceptionHandling(
            exceptions ->
                exceptions.authenticationEntryPoint(failures).accessDeniedHandler(failures));
    if (!settings.auth().required()) {
      return http.logout(AbstractHttpConfigurer::disable)
          .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
          .build();
    }
    AuthenticationManager credentials =
        credentials(keys, jwtDecoder.getIfAvailable(), settings.auth().jwt().projectsClaim());
    ProjectAccess projectAccess = new ProjectAccess(projects);
    BearerTokenAuthenticationFilter cookieAuthentication =
        new BearerTokenAuthenticationFilter(credentials);
    cookieAuthentication.setBearerTokenResolver(new ViewerCredentials());
    cookieAuthentication.setAuthenticationFailureHandler(
        new AuthenticationEntryPointFailureHandler(failures));
    return http.logout(
            logout ->
                logout
                    .logoutUrl("/ui/logout")
                    .deleteCookies(ViewerCredentials.COOKIE)
                    .logoutSuccessUrl(ViewerLoginController.LOGIN))
        // Not Spring's resource server: it would exempt every request with a credential from the
        // CSRF
        // check, and here the credential is a cookie the browser sends by itself.
        .addFilterBefore(cookieAuthentication, AnonymousAuthenticationFilter.class)
        .authorizeHttpRequests(
            requests ->
                requests
                    .dispatcherTypeMatchers(DispatcherType.ERROR)
                    .permitAll()
                    .requestMatchers(
                        ViewerLoginController.LOGIN,
                        "/ui/viewer.css",
                        "/ui/viewer.js",
                        "/webjars/**")
                    .permitAll()
                    // the project picker names no project: any credential may ask which one to show
                    .requestMatchers(
                        request ->
                            request.getServletPath().equals("/")
                                && request.getParameter("projectId") == null)
                    .authenticated()
                    .anyRequest()
                    .access(projectAccess))
        .build();
  }

  /**
   * Requests the firewall refuses (an encoded slash, a control character) get the dialect's 400.
   */
  @Bean
  RequestRejectedHandler requestRejectedHandler(ErrorWriter errors) {
    return new AuthFailures(errors);
  }

  /**
   * A token with the API key prefix (or the configured admin key) is an API key, anything else a
   * JWT.
   */
  static AuthenticationManager credentials(
      ApiKeys keys, JwtDecoder jwtDecoder, String projectsClaim) {
    JwtAuthenticationProvider jwt =
        jwtDecoder == null ? null : new JwtAuthenticationProvider(jwtDecoder);
    if (jwt != null) {
      jwt.setJwtAuthenticationConverter(new JwtAccess(projectsClaim));
    }
    return authentication -> {
      String token = ((BearerTokenAuthenticationToken) authentication).getToken();
      if (jwt == null || keys.isApiKey(token)) {
        return new Authenticated(keys.authenticate(token));
      }
      return jwt.authenticate(authentication);
    };
  }
}
