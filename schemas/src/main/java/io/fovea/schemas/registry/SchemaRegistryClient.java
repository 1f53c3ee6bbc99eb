package io.fovea.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A client of the Confluent-compatible schema registry API, which Confluent Schema Registry,
 * Apicurio ({@code /apis/ccompat/v7}), Karapace and Redpanda all serve. Written on the JDK's HTTP
 * client rather than a registry vendor's library: Confluent's is not on Maven Central, and
 * Apicurio's speaks only Apicurio's own API, so it could not reach the other three.
 * Writer schemas are cached by id (an id names one schema for ever); thread-safe.
 */
public final class SchemaRegistryClient {
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What {@link #incompatibilities} says when the registry refuses without saying why. */
    public static final String NO_DETAILS = "the registry gave no details";

    private final RegistrySettings settings;
    private final HttpClient http;
    private final String authorization;
    private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();

    public SchemaRegistryClient(RegistrySettings settings) {
        this.settings = settings;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(settings.timeout());
        if (settings.ssl() != null) {
            builder.sslContext(settings.ssl());
        }
        this.http = builder.build();
        this.authorization = settings.userInfo() == null
                ? null
                : "Basic "
                        + Base64.getEncoder().encodeToString(settings.userInfo().getBytes(StandardCharsets.UTF_8));
    }

    public RegistrySettings settings() {
        return settings;
    }

    /**
     * The writer schema registered under {@code id}.
     *
     * @throws RegistryRefusalException {@link RegistryRefusalException#notFound()} for an unknown id
     * @throws RegistryUnavailableException when no registry answered
     */
    public Schema schemaById(int id) {
        Schema cached = byId.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("GET", "/schemas/ids/" + id, null);
        String type = answer.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new RegistryRefusalException("schema " + id + " is " + type + ", not Avro", 200, 0);
        }
        Schema schema = new Schema.Parser().parse(answer.path("schema").asText());
        byId.put(id, schema);
        return schema;
    }

    /** Registers {@code schema} under {@code subject} (or finds it there) and returns its id; the subject's compatibility rule applies. */
    public int register(String subject, Schema schema) {
        int id = call("POST", "/subjects/" + encode(subject) + "/versions", body(schema))
                .path("id")
                .asInt();
        byId.putIfAbsent(id, schema);
        return id;
    }

    /** The id of {@code schema} as already registered under {@code subject}; a refusal with notFound when it is not. */
    public int lookup(String subject, Schema schema) {
        int id = call("POST", "/subjects/" + encode(subject), body(schema))
                .path("id")
                .asInt();
        byId.putIfAbsent(id, schema);
        return id;
    }

    /** The compatibility rule in force for {@code subject} (its own, else the registry's default). */
    public String compatibility(String subject) {
        JsonNode answer;
        try {
            answer = call("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null);
        } catch (RegistryRefusalException e) {
            if (!e.notFound()) {
                throw e;
            }
            answer = call("GET", "/config", null);
        }
        JsonNode level =
                answer.has("compatibilityLevel") ? answer.get("compatibilityLevel") : answer.get("compatibility");
        return level == null ? "unknown" : level.asText();
    }

    /**
     * Why the subject's compatibility rule would refuse {@code schema} as its next version, in the
     * registry's words ({@code verbose=true}); empty when it would accept it, or the subject has none yet.
     */
    public List<String> incompatibilities(String subject, Schema schema) {
        JsonNode answer;
        try {
            answer = call(
                    "POST",
                    "/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true",
                    body(schema));
        } catch (RegistryRefusalException e) {
            if (e.notFound()) {
                return List.of(); // no version yet: anything is compatible with nothing
            }
            throw e;
        }
        if (answer.path("is_compatible").asBoolean(true)) {
            return List.of();
        }
        List<String> messages = new ArrayList<>();
        answer.path("messages").forEach(m -> messages.add(m.asText()));
        return messages.isEmpty() ? List.of(NO_DETAILS) : messages;
    }

    /** The schema of the subject's latest version. */
    public Schema latest(String subject) {
        JsonNode answer = call("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
        return new Schema.Parser().parse(answer.path("schema").asText());
    }

    private static String body(Schema schema) {
        ObjectNode node = JSON.createObjectNode();
        node.put("schema", schema.toString());
        return node.toString();
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Asks each registry URL in turn until one answers. */
    private JsonNode call(String method, String path, String body) {
        RegistryUnavailableException last = null;
        for (String base : settings.urls()) {
            try {
                return callOne(base, method, path, body);
            } catch (RegistryUnavailableException e) {
                last = e;
            }
        }
        throw last;
    }

    private JsonNode callOne(String base, String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(settings.timeout())
                .header("Accept", CONTENT_TYPE + ", application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RegistryUnavailableException(
                    "schema registry " + base + " did not answer " + method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted while asking schema registry " + base, e);
        }
        int status = response.statusCode();
        JsonNode answer = parse(response.body());
        if (status >= 200 && status < 300) {
            return answer;
        }
        String message = answer.path("message").asText(response.body());
        if (status >= 500 || status == 429 || status == 408) {
            throw new RegistryUnavailableException(
                    "schema registry " + base + " answered " + status + " to " + method + " " + path + ": " + message,
                    null);
        }
        throw new RegistryRefusalException(
                "schema registry answered " + status + " to " + method + " " + path + ": " + message,
                status,
                answer.path("error_code").asInt(0));
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
