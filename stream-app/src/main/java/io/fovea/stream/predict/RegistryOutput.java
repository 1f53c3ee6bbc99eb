package io.fovea.stream.predict;

import io.fovea.avro.DeadLetter;
import io.fovea.avro.Prediction;
import io.fovea.schemas.registry.RegistryRefusalException;
import io.fovea.schemas.registry.SchemaRegistryClient;
import io.fovea.schemas.registry.SubjectNaming;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start, with {@code output.format=registry}: the ids the output schemas have in the registry,
 * under the subjects the naming strategy gives. With {@code auto.register.schemas} they are
 * registered (after asking whether the subject's compatibility rule allows them, so a refusal names
 * the rule and the change); without, they must already be there. Any refusal stops the start.
 */
public final class RegistryOutput {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryOutput.class);

    private final SchemaRegistryClient client;
    private final SubjectNaming naming;
    private final boolean autoRegister;

    public RegistryOutput(SchemaRegistryClient client, SubjectNaming naming, boolean autoRegister) {
        this.client = client;
        this.naming = naming;
        this.autoRegister = autoRegister;
    }

    /** @throws IllegalStateException naming the subject, the rule and the change when the registry refuses */
    public OutputEncoding encoding(String predictionsTopic, String shadowTopic, String deadLetterTopic) {
        return OutputEncoding.registry(
                id(predictionsTopic, Prediction.getClassSchema()),
                id(shadowTopic, Prediction.getClassSchema()),
                id(deadLetterTopic, DeadLetter.getClassSchema()));
    }

    /** The id of {@code schema} for values of {@code topic}. */
    public int id(String topic, Schema schema) {
        String subject = naming.subject(topic, schema);
        int id = autoRegister ? register(subject, schema) : lookUp(subject, schema);
        LOG.info("{} values are written as {} under schema id {} (subject {})", topic, schema.getName(), id, subject);
        return id;
    }

    private int register(String subject, Schema schema) {
        List<String> refused = client.incompatibilities(subject, schema);
        if (!refused.isEmpty()) {
            throw incompatible(subject, schema, refused);
        }
        try {
            return client.register(subject, schema);
        } catch (RegistryRefusalException e) {
            throw e.status() == 409
                    ? incompatible(subject, schema, List.of(e.getMessage()))
                    : new IllegalStateException(
                            "the schema registry refused to register " + schema.getName() + " under subject " + subject
                                    + ": " + e.getMessage(),
                            e);
        }
    }

    private int lookUp(String subject, Schema schema) {
        try {
            return client.lookup(subject, schema);
        } catch (RegistryRefusalException e) {
            if (!e.notFound()) {
                throw e;
            }
            throw new IllegalStateException("auto.register.schemas=false and subject " + subject
                    + " does not hold Fovea's " + schema.getFullName() + " schema (" + e.getMessage()
                    + "): register schemas/src/main/avro/" + schema.getName() + ".avsc under " + subject
                    + ", or set auto.register.schemas=true");
        }
    }

    private IllegalStateException incompatible(String subject, Schema schema, List<String> registrySays) {
        String rule = client.compatibility(subject);
        List<String> changes = new ArrayList<>(registrySays);
        if (registrySays.equals(List.of(SchemaRegistryClient.NO_DETAILS))) {
            changes = explain(rule, client.latest(subject), schema); // Apicurio gives no verbose messages
        }
        return new IllegalStateException("subject " + subject + " has compatibility rule " + rule + ", which refuses"
                + " Fovea's " + schema.getFullName() + " as its next version: " + String.join("; ", changes)
                + ". Register it under another subject (subject.name.strategy), relax the rule, or remove the"
                + " subject's versions that conflict");
    }

    /** The changes that break the rule against the latest version, worked out with Avro's own resolution rules. */
    static List<String> explain(String rule, Schema latest, Schema ours) {
        List<String> changes = new ArrayList<>();
        if (rule.startsWith("BACKWARD") || rule.startsWith("FULL")) {
            changes.addAll(problems(ours, latest, "Fovea's schema cannot read the latest version's records"));
        }
        if (rule.startsWith("FORWARD") || rule.startsWith("FULL")) {
            changes.addAll(problems(latest, ours, "the latest version cannot read Fovea's records"));
        }
        return changes.isEmpty() ? List.of(SchemaRegistryClient.NO_DETAILS) : changes;
    }

    private static List<String> problems(Schema reader, Schema writer, String what) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
                .getResult()
                .getIncompatibilities()
                .stream()
                .map(i -> what + ": " + i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
                .toList();
    }
}
