package io.fovea.cli.models;

import io.fovea.avro.ReleaseAction;
import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.Json;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.cli.KafkaOption;
import io.fovea.core.cli.StoreOption;
import io.fovea.core.onnx.OnnxBundles;
import io.fovea.core.release.ReleasePublisher;
import io.fovea.core.release.Rollout;
import io.fovea.core.store.Announcer;
import io.fovea.core.store.ModelRef;
import io.fovea.core.store.ModelStore;
import io.fovea.core.store.Promotions;
import io.fovea.schemas.Topics;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        subcommands = {
            ImportCommand.class,
            PromoteCommand.class,
            ShadowCommand.class,
            CanaryCommand.class,
            EvidenceCommand.class,
            QuantizeCommand.class
        },
        description = {
            "Lists, promotes and rolls back model versions, and tries them on live traffic.",
            "shadow and canary try a version beside the one that serves; promote and rollback move the"
                    + " promoted version forward and back and also announce the change on fovea.model-releases"
                    + " (--bootstrap); shadow, canary and evidence need the cluster."
        })
public final class ModelsCommand {
    @Mixin
    StoreOption store;

    /** promote and rollback send a ModelRelease when given. */
    @Mixin
    KafkaOption kafka;

    @Option(
            names = "--releases-topic",
            defaultValue = Topics.MODEL_RELEASES,
            scope = ScopeType.INHERIT,
            description = "The releases topic serve follows (default: ${DEFAULT-VALUE}).")
    String releasesTopic;

    @Option(
            names = "--predictions-topic",
            defaultValue = Topics.PREDICTIONS,
            scope = ScopeType.INHERIT,
            description = "Where served predictions go, read for evidence (default: ${DEFAULT-VALUE}).")
    String predictionsTopic;

    @Option(
            names = "--shadow-topic",
            defaultValue = Topics.SHADOW_PREDICTIONS,
            scope = ScopeType.INHERIT,
            description = "Where shadow predictions go, read for evidence (default: ${DEFAULT-VALUE}).")
    String shadowTopic;

    @Spec
    CommandSpec spec;

    TrialEvidence evidence(String model, int version, Instant since) {
        return TrialEvidence.read(kafka.connection(), predictionsTopic, shadowTopic, model, version, since);
    }

    private ModelStore opened;

    /** The store, opened once per command (an object store holds a connection to its bucket and ledger). */
    ModelStore store() {
        if (opened == null) {
            opened = store.open(kafka);
        }
        return opened;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    @Command(name = "list", description = "Every model and version, with metrics; * marks the promoted version.")
    int list() {
        ModelStore models = store();
        out().printf(
                        "%-16s %7s  %-24s %-10s %-14s %10s%n",
                        "model", "version", "created", "arch", "weights", "test acc");
        for (String model : models.models()) {
            Optional<Integer> promoted = models.promoted(model);
            for (int version : models.versions(model)) {
                BundleManifest m = models.manifest(model, version);
                Double accuracy = m.metrics().get("test_accuracy");
                out().printf(
                                "%-16s %6d%s  %-24s %-10s %-14s %10s%n",
                                model,
                                version,
                                promoted.filter(p -> p == version).isPresent() ? "*" : " ",
                                m.createdAt().toString().substring(0, 19),
                                m.architecture(),
                                m.weights(),
                                accuracy == null ? "-" : String.format("%.4f", accuracy));
            }
        }
        out().flush();
        return 0;
    }

    @Command(name = "show", description = "A version's manifest (default: the promoted one) and the promotion history.")
    int show(@Parameters(paramLabel = "MODEL[@VERSION]") String spec) {
        ModelStore models = store();
        ModelRef ref = ModelRef.parse(spec);
        String model = ref.name();
        int version = ref.in(models)
                .orElseThrow(() ->
                        new IllegalArgumentException("no versions of model '" + model + "' in " + models.describe()));
        out().println(Json.pretty(models.manifest(model, version)));
        out().println("bundle: " + models.uri(model, version));
        out().println("promotions (oldest first):");
        models.promotions(model).entries().forEach(e -> out().printf("  %s %s %d%n", e.at(), e.action(), e.version()));
        out().flush();
        return 0;
    }

    @Command(
            name = "export",
            description =
                    "Adds model.onnx (the same network, for ONNX Runtime) to a version made before exports existed.")
    int export(@Parameters(paramLabel = "MODEL@VERSION") String spec) {
        ModelRef ref = ModelRef.parsePinned(spec);
        String model = ref.name();
        BundleManifest updated = OnnxBundles.addTo(store(), model, ref.version().getAsInt());
        out().printf(
                        "Exported %s@%d to %s; the manifest's SHA-256 now covers %s%n",
                        model,
                        updated.version(),
                        store().uri(model, updated.version()).resolve(ModelFormat.ONNX_FILE),
                        String.join(", ", updated.modelFiles()));
        out().flush();
        return 0;
    }

    @Command(
            name = "rollback",
            description = {
                "Serves again the version promoted before the current one.",
                "While a canary runs, ends the canary instead (the primary serves every key again) and leaves"
                        + " the promotions as they are."
            })
    int rollback(@Parameters(paramLabel = "MODEL") String model) {
        if (kafka.given()) {
            Rollout state = new Trials(this, model).state();
            if (state.canary() != null) {
                new Trials(this, model)
                        .end(state.canary(), ReleaseAction.CANARY_ENDED, state.primary(), "rolled back by hand");
                out().printf(
                                "Canary %s@%d rolled back: version %s serves every key; rollback again to roll back"
                                        + " the primary%n",
                                model,
                                state.canary().version(),
                                state.primary() == null
                                        ? "promoted"
                                        : state.primary().toString());
                out().println("announced on " + releasesTopic);
                out().flush();
                return 0;
            }
        }
        try (ReleasePublisher publisher = publisher()) {
            Promotions.Change change = store().rollback(model, announcer(publisher, ReleaseAction.ROLLED_BACK));
            return report(publisher, model, change, ReleaseAction.ROLLED_BACK);
        }
    }

    /**
     * Connected (and signed in) before the store changes, so that wrong credentials leave the
     * store as it was; null without a cluster.
     */
    ReleasePublisher publisher() {
        return kafka.given() ? new ReleasePublisher(kafka.connection(), releasesTopic) : null;
    }

    /** Announces a change as part of it when there is a cluster; none without. */
    static Announcer announcer(ReleasePublisher publisher, ReleaseAction action) {
        return publisher == null ? Announcer.NONE : publisher.announcer(action);
    }

    /** Says what a promotion or rollback did, and where it was announced. */
    int report(ReleasePublisher publisher, String model, Promotions.Change change, ReleaseAction action) {
        out().printf(
                        "%s %s@%d (was %s)%n",
                        action,
                        model,
                        change.version(),
                        change.previous() == null ? "none" : Integer.toString(change.previous()));
        if (publisher != null) {
            out().println("announced on " + releasesTopic);
        }
        out().flush();
        return 0;
    }
}
