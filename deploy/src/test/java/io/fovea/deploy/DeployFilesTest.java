package io.fovea.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fovea.stream.config.StreamOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of the deployment without Docker or Kubernetes: every file parses, every
 * path and name it refers to exists, the probes and ports match the app, the images are what the
 * build makes. Not exercised here: building or running the images, applying the manifests.
 */
class DeployFilesTest {
    static final Path DEPLOY = Path.of(System.getProperty("user.dir"));
    static final Path REPO = DEPLOY.getParent();
    /** A key given twice is an error: most YAML readers, Kubernetes' among them, keep only the last. */
    private static final YAMLFactory STRICT = YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final ObjectMapper YAML = new ObjectMapper(STRICT);

    static List<JsonNode> yamlDocuments(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (YAMLParser parser = STRICT.createParser(file.toFile())) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(docs::add);
        }
        return docs;
    }

    @Test
    void composeDefinesTheWholeProductAndItsPathsExist() throws IOException {
        Path compose = DEPLOY.resolve("compose/docker-compose.yml");
        JsonNode services = yamlDocuments(compose).get(0).get("services");
        Set<String> names = new HashSet<>();
        services.fieldNames().forEachRemaining(names::add);
        assertEquals(
                Set.of("kafka", "minio", "create-bucket", "trainer", "stream-app", "prometheus", "grafana"), names);
        for (String name : names) {
            JsonNode service = services.get(name);
            assertTrue(service.has("image") || service.has("build"), name + " has neither image nor build");
            if (service.has("build")) {
                Path context = compose.getParent()
                        .resolve(service.get("build").get("context").asText())
                        .normalize();
                assertTrue(
                        Files.isRegularFile(context.resolve(
                                service.get("build").get("dockerfile").asText())),
                        name);
            }
            for (JsonNode volume : service.path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith(".") && !source.endsWith("/data")) {
                    assertTrue(
                            Files.exists(compose.getParent().resolve(source).normalize()),
                            name + " mounts missing " + source);
                }
            }
        }
        assertTrue(services.get("stream-app").get("command").toString().contains("serve"));
        assertEquals("fovea:cpu", services.get("stream-app").get("image").asText());
        assertEquals(
                "fovea:cpu",
                services.get("trainer").get("image").asText(),
                "the stream app runs what the trainer service built");
    }

    /**
     * compose's model store is a bucket on its MinIO: the trainer and serve name the bucket the
     * one-shot job makes, reach MinIO by its service name, and take their key from the
     * uncommitted .env, whose every variable .env.example lists.
     */
    @Test
    void composeTrainsAndServesFromTheBucketItMakesWithKeysFromAnUncommittedEnvFile() throws IOException {
        Path compose = DEPLOY.resolve("compose/docker-compose.yml");
        JsonNode services = yamlDocuments(compose).get(0).get("services");
        String makeBucket = services.get("create-bucket").get("command").toString();
        for (String name : List.of("trainer", "stream-app")) {
            JsonNode service = services.get(name);
            List<String> command = new ArrayList<>();
            service.get("command").forEach(c -> command.add(c.asText()));
            String store = command.get(command.indexOf("--store") + 1);
            assertTrue(store.startsWith("s3://"), name + ": " + store);
            String bucket = store.substring("s3://".length()).split("/")[0];
            assertTrue(makeBucket.contains("mc mb --ignore-existing store/" + bucket), makeBucket);
            JsonNode env = service.get("environment");
            assertEquals(
                    "http://minio:9000", env.path("FOVEA_STORE_S3_ENDPOINT").asText(), name);
            for (String key : List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")) {
                assertTrue(env.path(key).asText().startsWith("${FOVEA_S3_"), name + ": " + key + " from .env");
            }
            assertTrue(service.path("depends_on").has(name.equals("trainer") ? "create-bucket" : "trainer"), name);
        }
        assertTrue(services.at("/minio/healthcheck/test").toString().contains("ready"));
        String example = Files.readString(DEPLOY.resolve("compose/.env.example"));
        Matcher required = Pattern.compile("\\$\\{([A-Z_]+):\\?").matcher(Files.readString(compose));
        while (required.find()) {
            assertTrue(example.contains("\n" + required.group(1) + "="), ".env.example lacks " + required.group(1));
        }
        for (String line : example.lines().filter(l -> !l.startsWith("#")).toList()) {
            assertFalse(line.matches(".*(PASSWORD|SECRET)[A-Z_]*=.+"), "a secret in .env.example: " + line);
        }
        assertTrue(Files.readAllLines(REPO.resolve(".gitignore")).contains(".env"), "git ignores .env");
    }

    @Test
    void prometheusScrapesTheStreamAppWhereComposeRunsIt() throws IOException {
        JsonNode config =
                yamlDocuments(DEPLOY.resolve("prometheus/prometheus.yml")).get(0);
        JsonNode job = config.get("scrape_configs").get(0);
        assertEquals("/metrics", job.get("metrics_path").asText());
        assertEquals(
                "stream-app:8080",
                job.get("static_configs").get(0).get("targets").get(0).asText());
    }

    @Test
    void dockerfilesCopyWhatTheBuildMakes() throws IOException {
        String cliPom = Files.readString(REPO.resolve("cli/pom.xml"));
        assertTrue(cliPom.contains("<finalName>fovea-cli</finalName>")
                && cliPom.contains("${project.build.directory}/lib"));
        String rootPom = Files.readString(REPO.resolve("pom.xml"));
        for (String dockerfile : List.of("Dockerfile", "Dockerfile.gpu")) {
            String text = Files.readString(DEPLOY.resolve("docker").resolve(dockerfile));
            assertTrue(text.contains("COPY --from=build /src/cli/target/fovea-cli.jar"), dockerfile);
            assertTrue(text.contains("COPY --from=build /src/cli/target/lib"), dockerfile);
            assertTrue(text.contains("EXPOSE 8080"), dockerfile);
            assertTrue(text.contains("ENTRYPOINT [\"/opt/fovea/fovea-entrypoint.sh\"]"), dockerfile);
        }
        String gpu = Files.readString(DEPLOY.resolve("docker/Dockerfile.gpu"));
        assertTrue(
                gpu.contains("mvn -B -ntp -Pgpu") && gpu.contains("FROM nvidia/cuda:12."),
                "CUDA 12 and onnxruntime_gpu");
        assertTrue(gpu.contains("FOVEA_ONNX_EXECUTION_PROVIDER=cuda"));
        assertTrue(rootPom.contains("<id>gpu</id>") && rootPom.contains("<onnxruntime.artifact>onnxruntime_gpu"));
    }

    @Test
    void kustomizeResourcesExistAndTheDeploymentProbesTheAppsEndpoints() throws IOException {
        Path base = DEPLOY.resolve("k8s/base");
        JsonNode kustomization =
                yamlDocuments(base.resolve("kustomization.yaml")).get(0);
        Set<String> claims = new HashSet<>();
        Set<String> claimsUsed = new HashSet<>();
        JsonNode deployment = null;
        for (JsonNode resource : kustomization.get("resources")) {
            Path file = base.resolve(resource.asText());
            assertTrue(Files.isRegularFile(file), "missing " + file);
            for (JsonNode doc : yamlDocuments(file)) {
                assertTrue(
                        doc.hasNonNull("apiVersion")
                                && doc.hasNonNull("kind")
                                && doc.path("metadata").hasNonNull("name"),
                        file.toString());
                switch (doc.get("kind").asText()) {
                    case "PersistentVolumeClaim" ->
                        claims.add(doc.get("metadata").get("name").asText());
                    case "StatefulSet" -> deployment = doc;
                    case "ConfigMap" ->
                        doc.get("data").fieldNames().forEachRemaining(key -> {
                            String knob = key.substring("FOVEA_".length())
                                    .toLowerCase()
                                    .replace('_', '.');
                            assertTrue(StreamOptions.find(knob).isPresent(), key + " is not a stream-app setting");
                        });
                    default -> {}
                }
                doc.findValues("claimName").forEach(c -> claimsUsed.add(c.asText()));
            }
        }
        assertTrue(claims.containsAll(claimsUsed), "every claim used is declared: " + claimsUsed + " vs " + claims);
        JsonNode container = deployment
                .get("spec")
                .get("template")
                .get("spec")
                .get("containers")
                .get(0);
        assertEquals(
                "/ready",
                container.get("readinessProbe").get("httpGet").get("path").asText());
        assertEquals(
                "/health",
                container.get("livenessProbe").get("httpGet").get("path").asText());
        assertEquals(
                "http",
                container.get("readinessProbe").get("httpGet").get("port").asText());
        assertEquals(8080, container.get("ports").get(0).get("containerPort").asInt());
        assertTrue(container.get("args").toString().contains("\"--http-port\",\"8080\""));
        JsonNode instanceId = container.get("env").get(0);
        assertEquals("FOVEA_INSTANCE_ID", instanceId.get("name").asText(), "static membership needs a stable name");
        assertEquals(
                "metadata.name",
                instanceId.get("valueFrom").get("fieldRef").get("fieldPath").asText());
        assertTrue(StreamOptions.find("instance.id").isPresent());
    }

    @Test
    void theGpuOverlayAsksForAGpuAndUsesTheGpuImage() throws IOException {
        Path overlay = DEPLOY.resolve("k8s/overlays/gpu");
        JsonNode kustomization =
                yamlDocuments(overlay.resolve("kustomization.yaml")).get(0);
        assertEquals("gpu", kustomization.get("images").get(0).get("newTag").asText());
        JsonNode patch = yamlDocuments(overlay.resolve(
                        kustomization.get("patches").get(0).get("path").asText()))
                .get(0);
        assertEquals(1, patch.findValue("nvidia.com/gpu").asInt());
        assertTrue(Files.isDirectory(
                overlay.resolve(kustomization.get("resources").get(0).asText()).normalize()));
    }

    /** The JVM serve runs on is chosen once (docs/benchmarks.md, "Warm-up"): bin/fovea, compose and Kubernetes agree. */
    @Test
    void serveRunsWithTheSameJitSettingsEverywhere() throws IOException {
        String c1 = "-XX:TieredStopAtLevel=1";
        String launcher = Files.readString(DEPLOY.resolveSibling("bin").resolve("fovea"));
        assertTrue(launcher.contains("FOVEA_SERVE_JAVA_OPTS--XX:TieredStopAtLevel=1"), "bin/fovea serve's default");
        String image = Files.readString(DEPLOY.resolve("docker/fovea-entrypoint.sh"));
        assertTrue(image.contains("FOVEA_SERVE_JAVA_OPTS--XX:TieredStopAtLevel=1"), "the image's serve default");
        JsonNode compose = yamlDocuments(DEPLOY.resolve("compose/docker-compose.yml"))
                .get(0)
                .at("/services/stream-app/environment/JAVA_TOOL_OPTIONS");
        assertTrue(compose.asText().contains(c1), "compose: " + compose);
        JsonNode statefulSet = yamlDocuments(DEPLOY.resolve("k8s/base/stream-app-statefulset.yaml")).stream()
                .filter(doc -> doc.path("kind").asText().equals("StatefulSet"))
                .findFirst()
                .orElseThrow();
        boolean found = false;
        for (JsonNode env : statefulSet.at("/spec/template/spec/containers/0/env")) {
            found |= env.path("name").asText().equals("JAVA_TOOL_OPTIONS")
                    && env.path("value").asText().contains(c1);
        }
        assertTrue(found, "the StatefulSet's JAVA_TOOL_OPTIONS");
    }

    /** Every document of every kustomize resource of the base. */
    static List<JsonNode> baseDocuments() throws IOException {
        Path base = DEPLOY.resolve("k8s/base");
        List<JsonNode> docs = new ArrayList<>();
        for (JsonNode resource :
                yamlDocuments(base.resolve("kustomization.yaml")).get(0).get("resources")) {
            docs.addAll(yamlDocuments(base.resolve(resource.asText())));
        }
        return docs;
    }

    @Test
    void everyPodRunsLockedDownWithoutAServiceAccountTokenAndReadsKafkaSecretsFromFiles() throws IOException {
        int pods = 0;
        for (JsonNode doc : baseDocuments()) {
            JsonNode pod = doc.at("/spec/template/spec");
            if (pod.isMissingNode()) {
                continue;
            }
            pods++;
            String name = doc.at("/metadata/name").asText();
            assertEquals(false, pod.path("automountServiceAccountToken").asBoolean(true), name);
            assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean(), name);
            assertEquals(
                    "RuntimeDefault",
                    pod.at("/securityContext/seccompProfile/type").asText(),
                    name);
            Set<String> secretVolumes = new HashSet<>();
            for (JsonNode volume : pod.path("volumes")) {
                if (volume.has("secret")) {
                    secretVolumes.add(volume.get("name").asText());
                }
            }
            assertTrue(secretVolumes.contains("kafka-client"), name + " mounts the Kafka client Secret");
            for (JsonNode container : pod.path("containers")) {
                String where = name + "/" + container.path("name").asText();
                JsonNode security = container.path("securityContext");
                assertEquals(false, security.path("allowPrivilegeEscalation").asBoolean(true), where);
                assertTrue(security.path("readOnlyRootFilesystem").asBoolean(), where);
                assertTrue(security.at("/capabilities/drop").toString().contains("\"ALL\""), where);
                assertTrue(security.path("runAsNonRoot").asBoolean(), where);
                assertEquals(
                        "RuntimeDefault", security.at("/seccompProfile/type").asText(), where);
                assertTrue(container.findValues("secretRef").isEmpty(), where + ": no Secret as environment");
                assertTrue(container.findValues("secretKeyRef").isEmpty(), where + ": no Secret as environment");
                String mountPath = null;
                for (JsonNode mount : container.path("volumeMounts")) {
                    if (mount.path("name").asText().equals("kafka-client")) {
                        mountPath = mount.path("mountPath").asText();
                        assertTrue(mount.path("readOnly").asBoolean(), where);
                    }
                }
                assertTrue(
                        container.path("args").toString().contains("\"--command-config\",\"" + mountPath + "/"),
                        where + " reads the mounted client properties: " + container.path("args"));
            }
        }
        assertEquals(2, pods, "the StatefulSet and the trainer Job");
    }

    @Test
    void theKafkaClientSecretIsGeneratedFromAFileThatHoldsNoSecret() throws IOException {
        Path base = DEPLOY.resolve("k8s/base");
        JsonNode generator = yamlDocuments(base.resolve("kustomization.yaml"))
                .get(0)
                .get("secretGenerator")
                .get(0);
        assertEquals("fovea-kafka-client", generator.get("name").asText());
        String[] file = generator.get("files").get(0).asText().split("=");
        assertEquals("client.properties", file[0]);
        String text = Files.readString(base.resolve(file[1]));
        for (String line : text.lines().filter(l -> !l.startsWith("#")).toList()) {
            assertFalse(line.contains("password") || line.startsWith("sasl.jaas.config"), line);
        }
    }

    @Test
    void aNetworkPolicyAndAPodDisruptionBudgetCoverTheStreamApp() throws IOException {
        List<JsonNode> docs = baseDocuments();
        JsonNode labels = docs.stream()
                .filter(d -> d.path("kind").asText().equals("StatefulSet"))
                .findFirst()
                .orElseThrow()
                .at("/spec/template/metadata/labels");
        JsonNode budget = docs.stream()
                .filter(d -> d.path("kind").asText().equals("PodDisruptionBudget"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no PodDisruptionBudget"));
        assertEquals(labels, budget.at("/spec/selector/matchLabels"));
        List<JsonNode> policies = docs.stream()
                .filter(d -> d.path("kind").asText().equals("NetworkPolicy"))
                .toList();
        assertTrue(
                policies.stream()
                        .anyMatch(p -> p.at("/spec/podSelector").isEmpty()
                                && p.at("/spec/policyTypes").toString().contains("Ingress")
                                && p.at("/spec/policyTypes").toString().contains("Egress")),
                "a default policy for every pod: " + policies);
        assertTrue(
                policies.stream()
                        .anyMatch(p -> p.at("/spec/podSelector/matchLabels").equals(labels)
                                && p.at("/spec/ingress").toString().contains("8080")),
                "the stream app's HTTP port is let in");
    }

    @Test
    void baseImagesArePinnedByDigestOrSayHowAndTheBuildContextHasADockerignore() throws IOException {
        for (String dockerfile : List.of("Dockerfile", "Dockerfile.gpu")) {
            List<String> lines = Files.readAllLines(DEPLOY.resolve("docker").resolve(dockerfile));
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).startsWith("FROM ")) {
                    continue;
                }
                String image = lines.get(i).split("\\s+")[1];
                boolean pinned = image.matches(".+@sha256:[0-9a-f]{64}");
                boolean saysHow = i >= 2
                        && String.join("\n", lines.subList(i - 2, i))
                                .contains("docker buildx imagetools inspect " + image + " ");
                assertTrue(pinned || saysHow, dockerfile + ": " + image + " is neither pinned nor says how to pin it");
            }
            assertTrue(
                    lines.stream().anyMatch(l -> l.matches("USER [0-9]+")),
                    dockerfile + ": a numeric user, which runAsNonRoot can check");
        }
        // compose builds from the repository root; so does the documented docker build
        List<String> ignored = Files.readAllLines(REPO.resolve(".dockerignore"));
        assertTrue(ignored.containsAll(List.of(".git", "**/target", "data")), ignored.toString());
    }

    @Test
    void composePublishesOnLoopbackOnlyAndGrafanaHasNoAnonymousOrDefaultAdmin() throws IOException {
        JsonNode services = yamlDocuments(DEPLOY.resolve("compose/docker-compose.yml"))
                .get(0)
                .get("services");
        services.fields().forEachRemaining(service -> {
            for (JsonNode port : service.getValue().path("ports")) {
                assertTrue(port.asText().startsWith("127.0.0.1:"), service.getKey() + " publishes " + port);
            }
        });
        JsonNode grafana = services.get("grafana").get("environment");
        assertEquals("false", grafana.path("GF_AUTH_ANONYMOUS_ENABLED").asText());
        assertFalse(grafana.has("GF_AUTH_ANONYMOUS_ORG_ROLE"));
        assertTrue(grafana.path("GF_SECURITY_ADMIN_PASSWORD").asText().startsWith("${GRAFANA_ADMIN_PASSWORD:?"));
    }
}
