package io.fovea.deploy;

import static io.fovea.deploy.DeployFilesTest.DEPLOY;
import static io.fovea.deploy.DeployFilesTest.yamlDocuments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fovea.stream.config.StreamOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes overlays that put the model store in a bucket ({@code overlays/object-store},
 * keys from Secrets mounted as files; {@code overlays/object-store-web-identity}, an IAM role per
 * pod), read as kustomize would apply them to the base: no ReadWriteMany volume is left, serve and
 * the trainer name the same bucket, the cache is bounded and on a writable volume, and no
 * credential is in a ConfigMap or the environment. Not exercised: applying them to a cluster.
 */
class ObjectStoreOverlaysTest {
    private static final Path OVERLAYS = DEPLOY.resolve("k8s/overlays");
    private static final Path OBJECT_STORE = OVERLAYS.resolve("object-store");
    private static final Path WEB_IDENTITY = OVERLAYS.resolve("object-store-web-identity");
    /** What holds a key rather than says where one is. */
    private static final Set<String> CREDENTIAL_VARIABLES =
            Set.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN");

    /** Every resource and patch of an overlay, parsed; {@code resources} that are folders must exist. */
    private static List<JsonNode> overlayDocuments(Path overlay) throws IOException {
        JsonNode kustomization =
                yamlDocuments(overlay.resolve("kustomization.yaml")).get(0);
        List<JsonNode> docs = new ArrayList<>();
        for (JsonNode resource : kustomization.path("resources")) {
            Path path = overlay.resolve(resource.asText()).normalize();
            assertTrue(Files.exists(path), "missing " + path);
            if (Files.isRegularFile(path)) {
                docs.addAll(yamlDocuments(path));
            }
        }
        for (JsonNode patch : kustomization.path("patches")) {
            Path path = overlay.resolve(patch.get("path").asText());
            assertTrue(Files.isRegularFile(path), "missing " + path);
            docs.addAll(yamlDocuments(path));
        }
        return docs;
    }

    private static JsonNode baseDocument(String kind, String name) throws IOException {
        return DeployFilesTest.baseDocuments().stream()
                .filter(d -> d.path("kind").asText().equals(kind)
                        && d.at("/metadata/name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in the base"));
    }

    private static JsonNode patchOf(Path overlay, String kind, String name) throws IOException {
        return overlayDocuments(overlay).stream()
                .filter(d -> d.path("kind").asText().equals(kind)
                        && d.at("/metadata/name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no patch of " + kind + " " + name + " in " + overlay));
    }

    private static JsonNode container(JsonNode workload) {
        return workload.at("/spec/template/spec/containers/0");
    }

    private static Optional<String> env(JsonNode container, String name) {
        for (JsonNode variable : container.path("env")) {
            if (variable.path("name").asText().equals(name) && variable.has("value")) {
                return Optional.of(variable.get("value").asText());
            }
        }
        return Optional.empty();
    }

    private static String storeArgument(JsonNode container) {
        JsonNode args = container.path("args");
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).asText().equals("--store")) {
                return args.get(i + 1).asText();
            }
        }
        throw new AssertionError("no --store in " + args);
    }

    private static boolean deletes(JsonNode list, String field, String value) {
        for (JsonNode item : list) {
            if (item.path(field).asText().equals(value)
                    && item.path("$patch").asText().equals("delete")) {
                return true;
            }
        }
        return false;
    }

    /** The volume mounted at or above {@code path} in {@code mounts}, by name. */
    private static Optional<JsonNode> mountHolding(JsonNode mounts, String path) {
        for (JsonNode mount : mounts) {
            if (!mount.has("$patch") && path.startsWith(mount.path("mountPath").asText() + "/")) {
                return Optional.of(mount);
            }
        }
        return Optional.empty();
    }

    private static Optional<JsonNode> volume(JsonNode pod, String name) {
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("name").asText().equals(name) && !v.has("$patch")) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    @Test
    void serveAndTheTrainerUseOneBucketAndNoReadWriteManyVolumeIsLeft() throws IOException {
        List<JsonNode> docs = overlayDocuments(OBJECT_STORE);
        String sharedClaim = "fovea-models";
        assertTrue(
                docs.stream()
                        .anyMatch(d -> d.path("$patch").asText().equals("delete")
                                && d.path("kind").asText().equals("PersistentVolumeClaim")
                                && d.at("/metadata/name").asText().equals(sharedClaim)),
                "the base's shared claim is deleted");
        for (JsonNode doc : docs) {
            assertFalse(doc.toString().contains("ReadWriteMany"), doc.toString());
            assertFalse(doc.toString().contains("ReadOnlyMany"), doc.toString());
        }
        JsonNode datasets = patchOf(OBJECT_STORE, "PersistentVolumeClaim", "fovea-datasets");
        assertEquals("[\"ReadWriteOnce\"]", datasets.at("/spec/accessModes").toString());

        JsonNode serve = patchOf(OBJECT_STORE, "StatefulSet", "fovea-stream-app");
        JsonNode trainer = patchOf(OBJECT_STORE, "Job", "fovea-trainer");
        String location = storeArgument(container(serve));
        assertTrue(location.startsWith("s3://"), location);
        assertEquals(location, storeArgument(container(trainer)), "serve loads what the trainer publishes");
        assertTrue(container(serve).path("args").toString().contains("\"serve\""));
        assertTrue(container(trainer).path("args").toString().contains("\"--publish\""));

        for (var pair : List.of(
                List.of(serve, baseDocument("StatefulSet", "fovea-stream-app")),
                List.of(trainer, baseDocument("Job", "fovea-trainer")))) {
            JsonNode patch = pair.get(0);
            JsonNode base = pair.get(1);
            String name = base.at("/metadata/name").asText();
            for (JsonNode v : base.at("/spec/template/spec/volumes")) {
                if (v.at("/persistentVolumeClaim/claimName").asText().equals(sharedClaim)) {
                    String volumeName = v.get("name").asText();
                    assertTrue(
                            deletes(patch.at("/spec/template/spec/volumes"), "name", volumeName),
                            name + " drops volume " + volumeName);
                    for (JsonNode mount : container(base).path("volumeMounts")) {
                        if (mount.path("name").asText().equals(volumeName)) {
                            String path = mount.get("mountPath").asText();
                            assertTrue(
                                    deletes(container(patch).path("volumeMounts"), "mountPath", path),
                                    name + " drops mount " + path);
                        }
                    }
                }
            }
            List<String> envFrom = new ArrayList<>();
            container(patch)
                    .path("envFrom")
                    .forEach(e -> envFrom.add(e.at("/configMapRef/name").asText()));
            assertTrue(envFrom.contains("fovea-object-store"), name + ": " + envFrom);
            // envFrom is replaced, not merged, by a strategic merge patch: what the base had must stay
            container(base)
                    .path("envFrom")
                    .forEach(e -> assertTrue(
                            envFrom.contains(e.at("/configMapRef/name").asText()), name));
        }
    }

    /**
     * The root filesystem is read-only: each cache must be on a volume. serve's is on its own
     * ReadWriteOnce state volume, bounded below that volume's size; the trainer's on /tmp.
     */
    @Test
    void eachCacheIsOnAWritableVolumeAndServesIsBoundedBelowItsSize() throws IOException {
        JsonNode base = baseDocument("StatefulSet", "fovea-stream-app");
        JsonNode serve = container(patchOf(OBJECT_STORE, "StatefulSet", "fovea-stream-app"));
        String cache = env(serve, "FOVEA_STORE_CACHE_DIR").orElseThrow();
        JsonNode mount = mountHolding(container(base).path("volumeMounts"), cache)
                .orElseThrow(() -> new AssertionError(cache + " is on no volume"));
        JsonNode claim = null;
        for (JsonNode template : base.at("/spec/volumeClaimTemplates")) {
            if (template.at("/metadata/name").asText().equals(mount.get("name").asText())) {
                claim = template;
            }
        }
        assertTrue(claim != null, cache + " is on the pod's own claim, kept across restarts");
        assertEquals("[\"ReadWriteOnce\"]", claim.at("/spec/accessModes").toString());
        long bound = Long.parseLong(env(serve, "FOVEA_STORE_CACHE_MAX_BYTES").orElseThrow());
        long volume = gibibytes(claim.at("/spec/resources/requests/storage").asText());
        assertTrue(bound < volume, bound + " bytes of cache on a volume of " + volume);

        JsonNode baseJob = baseDocument("Job", "fovea-trainer");
        String trainerCache = env(container(patchOf(OBJECT_STORE, "Job", "fovea-trainer")), "FOVEA_STORE_CACHE_DIR")
                .orElseThrow();
        JsonNode tmp = mountHolding(container(baseJob).path("volumeMounts"), trainerCache)
                .orElseThrow(() -> new AssertionError(trainerCache + " is on no volume"));
        assertTrue(
                volume(baseJob.at("/spec/template/spec"), tmp.get("name").asText())
                        .orElseThrow()
                        .has("emptyDir"),
                trainerCache);
    }

    private static long gibibytes(String quantity) {
        assertTrue(quantity.endsWith("Gi"), quantity);
        return Long.parseLong(quantity.substring(0, quantity.length() - 2)) << 30;
    }

    @Test
    void theObjectStoreSettingsAreRealAndHoldNoCredential() throws IOException {
        JsonNode config = patchOf(OBJECT_STORE, "ConfigMap", "fovea-object-store");
        config.get("data").fieldNames().forEachRemaining(key -> {
            assertFalse(CREDENTIAL_VARIABLES.contains(key), key);
            if (!key.equals("AWS_REGION")) {
                assertTrue(key.startsWith("FOVEA_STORE_"), key);
                String setting = key.substring("FOVEA_".length()).toLowerCase().replace('_', '.');
                assertTrue(StreamOptions.find(setting).isPresent(), key + " is not a setting");
            }
        });
        JsonNode egress = patchOf(OBJECT_STORE, "NetworkPolicy", "fovea-object-store-egress");
        assertTrue(egress.at("/spec/podSelector").isEmpty(), "every Fovea pod");
        assertTrue(egress.at("/spec/egress").toString().contains("443"), "HTTPS to the object store");
    }

    /** Keys reach the AWS SDK as a file from a Secret, like Kafka's client settings; never as variables. */
    @Test
    void keysComeFromASecretMountedAsAFileNeverFromTheEnvironment() throws IOException {
        for (Path overlay : List.of(OBJECT_STORE, WEB_IDENTITY)) {
            for (JsonNode doc : overlayDocuments(overlay)) {
                assertTrue(doc.findValues("secretKeyRef").isEmpty(), overlay + ": " + doc);
                assertTrue(doc.findValues("secretRef").isEmpty(), overlay + ": " + doc);
                for (JsonNode name : doc.findValues("name")) {
                    assertFalse(CREDENTIAL_VARIABLES.contains(name.asText()), overlay + ": " + name);
                }
            }
        }
        for (JsonNode workload : List.of(
                patchOf(OBJECT_STORE, "StatefulSet", "fovea-stream-app"),
                patchOf(OBJECT_STORE, "Job", "fovea-trainer"))) {
            String file = env(container(workload), "AWS_SHARED_CREDENTIALS_FILE")
                    .orElseThrow(() -> new AssertionError("no credentials file: " + workload));
            JsonNode mount = mountHolding(container(workload).path("volumeMounts"), file)
                    .orElseThrow(() -> new AssertionError(file + " is on no volume"));
            assertTrue(mount.path("readOnly").asBoolean(), file);
            JsonNode secret = volume(
                            workload.at("/spec/template/spec"),
                            mount.get("name").asText())
                    .orElseThrow()
                    .path("secret");
            assertTrue(secret.hasNonNull("secretName"), file + " is a Secret");
        }
        String serveKey = volume(
                        patchOf(OBJECT_STORE, "StatefulSet", "fovea-stream-app").at("/spec/template/spec"),
                        "s3-credentials")
                .orElseThrow()
                .at("/secret/secretName")
                .asText();
        String trainerKey = volume(
                        patchOf(OBJECT_STORE, "Job", "fovea-trainer").at("/spec/template/spec"), "s3-credentials")
                .orElseThrow()
                .at("/secret/secretName")
                .asText();
        assertFalse(serveKey.equals(trainerKey), "serve reads with a key that cannot write the bucket");
    }

    /**
     * The web-identity overlay swaps the key file for a token AWS STS takes and the Kubernetes API
     * does not, projected with an audience of its own: the pods still mount no API token.
     */
    @Test
    void theWebIdentityOverlayUsesAnStsTokenAndARolePerContainerInsteadOfAKey() throws IOException {
        List<String> roles = new ArrayList<>();
        for (String[] workload :
                List.of(new String[] {"StatefulSet", "fovea-stream-app"}, new String[] {"Job", "fovea-trainer"})) {
            JsonNode patch = patchOf(WEB_IDENTITY, workload[0], workload[1]);
            JsonNode container = container(patch);
            JsonNode pod = patch.at("/spec/template/spec");
            assertFalse(pod.has("automountServiceAccountToken"), "the base's false stays");
            assertTrue(deletes(container.path("env"), "name", "AWS_SHARED_CREDENTIALS_FILE"), workload[1]);
            assertTrue(deletes(pod.path("volumes"), "name", "s3-credentials"), workload[1]);
            roles.add(env(container, "AWS_ROLE_ARN").orElseThrow());
            String token = env(container, "AWS_WEB_IDENTITY_TOKEN_FILE").orElseThrow();
            JsonNode mount = mountHolding(container.path("volumeMounts"), token)
                    .orElseThrow(() -> new AssertionError(token + " is on no volume"));
            assertTrue(mount.path("readOnly").asBoolean());
            JsonNode source = volume(pod, mount.get("name").asText())
                    .orElseThrow()
                    .at("/projected/sources/0/serviceAccountToken");
            assertEquals("sts.amazonaws.com", source.path("audience").asText(), "not the Kubernetes API's audience");
            assertEquals(
                    token.substring(token.lastIndexOf('/') + 1),
                    source.path("path").asText());
        }
        assertTrue(roles.stream().allMatch(r -> r.startsWith("arn:aws:iam::")), roles.toString());
        assertEquals(2, Set.copyOf(roles).size(), "serve's role cannot write the bucket: " + roles);
        JsonNode kustomization =
                yamlDocuments(WEB_IDENTITY.resolve("kustomization.yaml")).get(0);
        assertEquals("../object-store", kustomization.at("/resources/0").asText());
    }
}
