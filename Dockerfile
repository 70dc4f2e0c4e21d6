# syntax=docker/dockerfile:1
# AgentSim: one image for every role (SIMULATOR_ROLES=api, worker, or both).
#   docker build -t agentsim .
#   docker run -p 8080:8080 agentsim        # embedded mode, no other services

# ---- build: the Maven wrapper builds the executable jar worker/target/agentsim.jar
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY . .
# The cache mount keeps ~/.m2 (dependencies and the wrapper's Maven) between builds.
RUN --mount=type=cache,target=/root/.m2 \
    chmod +x mvnw \
 && ./mvnw -q -B -DskipTests package

# ---- runtime
FROM eclipse-temurin:21-jre
RUN groupadd --system --gid 10001 agentsim \
 && useradd --system --uid 10001 --gid agentsim --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin agentsim \
 && mkdir -p /app/data \
 && chown agentsim:agentsim /app/data
WORKDIR /app
COPY --from=build /src/worker/target/agentsim.jar /app/agentsim.jar
COPY --from=build /src/worker/target/agentsim /app/agentsim
# the launcher on PATH for shells in the container (docker exec ... agentsim batches list ...);
# docker run agentsim test ... reaches the command line through the entrypoint as well
ENV PATH="/app:${PATH}"
USER 10001:10001
# Size the heap from the container's memory limit; compile with C1 only (see the README's start command).
ENV JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=75.0 -XX:TieredStopAtLevel=1"
EXPOSE 8080
ENTRYPOINT ["java","-jar","/app/agentsim.jar"]
