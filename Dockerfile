# gapwatch's image: built from this repository, run by docker-compose.yml.
# A glibc base (Debian/Ubuntu), not Alpine: Kafka Streams' RocksDB ships glibc native libraries.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY schemas schemas
COPY src src
RUN mvn -q -B package -Dmaven.test.skip=true

FROM eclipse-temurin:17-jre
COPY --from=build /src/target/gapwatch.jar /opt/gapwatch/gapwatch.jar
# In a container the HTTP API must answer other containers (Prometheus), not only loopback.
ENV GAPWATCH_HTTP_HOST=0.0.0.0
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/opt/gapwatch/gapwatch.jar"]
CMD ["run"]
