package io.fovea.core.store.ledger;

import io.fovea.avro.StoreAction;
import io.fovea.avro.StoreEntry;
import io.fovea.core.store.Promotions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** One model's ledger entries, oldest first, and what they add up to. */
public record ModelHistory(String model, List<StoreEntry> entries) {

    public ModelHistory {
        entries = List.copyOf(entries);
    }

    /** The sequence number the next entry takes. */
    public int nextSequence() {
        return entries.size() + 1;
    }

    /** Whether the entry of this write is in the history. */
    public boolean written(String writeId) {
        return entries.stream().anyMatch(e -> e.getWriteId().toString().equals(writeId));
    }

    /** The highest version number taken, published or not; 0 for none. */
    public int highestReserved() {
        return entries.stream()
                .filter(e -> e.getAction() == StoreAction.RESERVED)
                .mapToInt(StoreEntry::getVersion)
                .max()
                .orElse(0);
    }

    public boolean reserved(int version) {
        return entries.stream().anyMatch(e -> e.getAction() == StoreAction.RESERVED && e.getVersion() == version);
    }

    /** Published versions, ascending, each with the SHA-256 of its current manifest object. */
    public Map<Integer, String> manifests() {
        Map<Integer, String> manifests = new TreeMap<>();
        for (StoreEntry e : entries) {
            if (e.getAction() == StoreAction.PUBLISHED
                    || (e.getAction() == StoreAction.AMENDED && manifests.containsKey(e.getVersion()))) {
                manifests.put(e.getVersion(), e.getManifestSha256().toString());
            }
        }
        return manifests;
    }

    public Optional<String> manifestOf(int version) {
        return Optional.ofNullable(manifests().get(version));
    }

    /** The promotion history, as the directory store's promotions.json holds it. */
    public Promotions.History promotions() {
        List<Promotions.Entry> history = new ArrayList<>();
        for (StoreEntry e : entries) {
            if (e.getAction() == StoreAction.PROMOTED) {
                history.add(new Promotions.Entry(Promotions.PROMOTED, e.getVersion(), e.getAt()));
            } else if (e.getAction() == StoreAction.ROLLED_BACK) {
                history.add(new Promotions.Entry(Promotions.ROLLED_BACK, e.getVersion(), e.getAt()));
            }
        }
        return new Promotions.History(history);
    }
}
