package dev.agentsim.worker.demo;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.SecurityFilterChain;

/** The demo agent is called by the simulator's own runs, which carry no credential: it is open. */
@Configuration(proxyBeanMethods = false)
@Conditional(DemoMode.class)
class DemoAgentSecurity {

  @Bean
  @Order(1)
  SecurityFilterChain demoAgentChain(HttpSecurity http) {
    return http.securityMatcher(DemoAgentController.PATH)
        .csrf(AbstractHttpConfigurer::disable)
        .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
        .build();
  }
}
