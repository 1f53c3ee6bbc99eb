package io.fovea.stream.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.DeadLetter;
import io.fovea.avro.DeadLetterReason;
import io.fovea.avro.Prediction;
import io.fovea.avro.SourcePosition;
import io.fovea.schemas.registry.RegistrySettings;
import io.fovea.schemas.registry.SchemaRegistryClient;
import io.fovea.schemas.registry.SubjectNaming;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.schemas.serde.RegistryFramedCodec;
import io.fovea.schemas.serde.RegistryFraming;
import io.fovea.stream.validate.SourceRecord;
import io.fovea.testing.SchemaRegistryTestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** output.format=registry against a real registry: subjects, auto-registration, look-ups and compatibility rules. */
class RegistryOutputTest {
    private static SchemaRegistryTestServer registry;
    private static SchemaRegistryClient client;

    @BeforeAll
    static void start() {
        registry = SchemaRegistryTestServer.startNew();
        client = new SchemaRegistryClient(RegistrySettings.from(Map.of(RegistrySettings.URL, registry.url())));
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    static Prediction prediction(String id) {
        return Prediction.newBuilder()
                .setId(id)
                .setLabel("cat")
                .setLabelIndex(3)
                .setConfidence(0.9f)
                .setTopK(List.of())
                .setModelName("m")
                .setModelVersion(1)
                .setEventTime(Instant.ofEpochMilli(1))
                .setPredictionTime(Instant.ofEpochMilli(2))
                .setBatchSize(1)
                .setQueueMillis(0)
                .setInferenceMillis(1.0)
                .setSource(new SourcePosition("in", 0, 0L))
                .setTrueLabel(null)
                .setAttributes(Map.of())
                .build();
    }

    @Test
    void autoRegisteredUnderTheTopicNameTheOutputsAreFramedWithTheirIdsAndReadBackByThem() {
        OutputEncoding encoding = new RegistryOutput(client, SubjectNaming.TOPIC, true).encoding("p1", "s1", "d1");
        byte[] framed = encoding.predictions().apply(prediction("a"));
        int id = RegistryFraming.schemaId(framed);
        assertEquals(id, client.lookup("p1-value", Prediction.getClassSchema()), "registered under <topic>-value");
        Schema writer = client.schemaById(id);
        Prediction read = new RegistryFramedCodec<>(FoveaRecords.PREDICTION).decode(framed, id, writer, 1 << 20);
        assertEquals("a", read.getId());

        DeadLetter letter = DeadLetters.of(
                DeadLetterReason.CORRUPT_IMAGE,
                "bad",
                new SourceRecord("in", 0, 7, null, new byte[] {1}),
                Instant.EPOCH);
        byte[] framedLetter = encoding.deadLetters().apply(letter);
        assertEquals(client.lookup("d1-value", DeadLetter.getClassSchema()), RegistryFraming.schemaId(framedLetter));
        assertEquals(id, RegistryFraming.schemaId(encoding.shadowPredictions().apply(prediction("b"))));
    }

    @Test
    void theRecordAndTopicRecordStrategiesNameTheSubjectsAsConfluentsSerializersDo() {
        int byRecord = new RegistryOutput(client, SubjectNaming.RECORD, true).id("any", Prediction.getClassSchema());
        assertEquals(byRecord, client.lookup("io.fovea.avro.Prediction", Prediction.getClassSchema()));
        int byTopicRecord =
                new RegistryOutput(client, SubjectNaming.TOPIC_RECORD, true).id("out", Prediction.getClassSchema());
        assertEquals(byTopicRecord, client.lookup("out-io.fovea.avro.Prediction", Prediction.getClassSchema()));
    }

    @Test
    void withoutAutoRegistrationASchemaNotRegisteredRefusesTheStartSayingWhatToDo() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> new RegistryOutput(client, SubjectNaming.TOPIC, false)
                        .id("unregistered", Prediction.getClassSchema()));
        assertTrue(
                e.getMessage().contains("auto.register.schemas=false and subject unregistered-value"), e.getMessage());
        // registered by hand, it is found and used as it is
        int id = client.register("byhand-value", Prediction.getClassSchema());
        assertEquals(
                id, new RegistryOutput(client, SubjectNaming.TOPIC, false).id("byhand", Prediction.getClassSchema()));
    }

    @Test
    void aSubjectWhoseCompatibilityRuleRefusesOurSchemaRefusesTheStartNamingTheRuleAndTheChange() throws Exception {
        Schema earlier = new Schema.Parser()
                .parse("{\"type\":\"record\",\"name\":\"Prediction\",\"namespace\":\"io.fovea.avro\",\"fields\":["
                        + "{\"name\":\"id\",\"type\":\"string\"}]}");
        client.register("strict-value", earlier);
        HttpResponse<String> set = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(registry.url() + "/config/strict-value"))
                                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                                .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"BACKWARD\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, set.statusCode(), set.body());
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> new RegistryOutput(client, SubjectNaming.TOPIC, true).id("strict", Prediction.getClassSchema()));
        assertTrue(
                e.getMessage()
                        .startsWith("subject strict-value has compatibility rule BACKWARD, which refuses Fovea's"
                                + " io.fovea.avro.Prediction as its next version: "),
                e.getMessage());
        assertTrue(
                e.getMessage()
                        .contains("Fovea's schema cannot read the latest version's records: READER_FIELD_MISSING"
                                + "_DEFAULT_VALUE at /fields/1 (label)"),
                e.getMessage());
    }
}
