package dev.tern.imap;

import dev.tern.store.FolderChange;
import dev.tern.store.FolderSnapshot;
import dev.tern.store.MessageMeta;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One session's picture of its selected folder (RFC 9051 §2.3.1.2): the messages it has been told of, in UID
 * order, so that sequence number {@code n} is {@code messages.get(n - 1)}. Other sessions' changes wait in a
 * FIFO until the session may report them: EXPUNGE never during a non-UID FETCH, STORE or SEARCH (§7.5.1,
 * IMAP-SHAPE §2), and what stands behind a held-back expunge waits with it, so the order stays the store's.
 *
 * <p>The session's own changes are applied at once ({@link #update}, {@link #remove}); when their echo comes
 * through the FIFO it is recognised (same UID, mod-sequence not newer) and dropped. Pure and not thread-safe.
 */
public final class MailboxView {
    /** How unsolicited responses look: with MODSEQ once CONDSTORE is on, VANISHED instead of EXPUNGE with QRESYNC. */
    public record Format(boolean modSeq, boolean vanished) {}

    private final long uidValidity;
    private long uidNext;
    private long highestModSeq;
    private final MessageList messages; // shares the snapshot's list until a change needs a copy
    private final Deque<FolderChange> pending = new ArrayDeque<>();

    public MailboxView(FolderSnapshot snapshot) {
        this.uidValidity = snapshot.uidValidity();
        this.uidNext = snapshot.uidNext();
        this.highestModSeq = snapshot.highestModSeq();
        this.messages = new MessageList(snapshot.messages());
    }

    public long uidValidity() {
        return uidValidity;
    }

    public long uidNext() {
        return uidNext;
    }

    public long highestModSeq() {
        return highestModSeq;
    }

    public int size() {
        return messages.size();
    }

    /** The message with sequence number {@code seq} (1-based). */
    public MessageMeta at(int seq) {
        return messages.get(seq - 1);
    }

    public List<MessageMeta> messages() {
        return messages.toList();
    }

    /** Whether this view still shares {@code snapshotMessages} (a snapshot's list) rather than a copy of its own. */
    boolean shares(List<MessageMeta> snapshotMessages) {
        return messages.shares(snapshotMessages);
    }

    public long largestUid() {
        return messages.isEmpty() ? 0 : messages.getLast().uid();
    }

    /** The sequence number of {@code uid}, or 0 when the view does not hold it. */
    public int sequenceOf(long uid) {
        int lo = 0;
        int hi = messages.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long u = messages.get(mid).uid();
            if (u == uid) return mid + 1;
            if (u < uid) lo = mid + 1;
            else hi = mid - 1;
        }
        return 0;
    }

    /** The sequence numbers, ascending, that {@code set} names: as UIDs when {@code uid}, else as sequence numbers. */
    public List<Integer> resolve(SequenceSet set, boolean uid) {
        List<Integer> seqs = new ArrayList<>();
        long largest = uid ? largestUid() : messages.size();
        for (int i = 0; i < messages.size(); i++) {
            long n = uid ? messages.get(i).uid() : i + 1;
            if (set.contains(n, largest)) seqs.add(i + 1);
        }
        return seqs;
    }

    /** Queues another session's (or the store's) change until {@link #flush}. */
    public void queue(FolderChange change) {
        pending.addLast(change);
    }

    public boolean hasPending() {
        return !pending.isEmpty();
    }

    /**
     * Applies queued changes in order and returns the untagged responses that tell them; stops before the first
     * expunge when {@code allowExpunge} is false (it and all after it stay queued). A {@link FolderChange.Reset}
     * is answered by the caller with {@link #resync}, so it stops here too and is returned to the caller via
     * {@link #takeReset()}.
     */
    public List<Response> flush(boolean allowExpunge, Format format) {
        List<Response> out = new ArrayList<>();
        int before = messages.size();
        while (!pending.isEmpty()) {
            FolderChange change = pending.peekFirst();
            if (change instanceof FolderChange.Expunged && !allowExpunge) break;
            if (change instanceof FolderChange.Reset) break;
            pending.removeFirst();
            switch (change) {
                case FolderChange.Added added -> {
                    for (MessageMeta m : added.messages()) {
                        if (m.uid() > largestUid()) messages.add(m);
                        note(m);
                    }
                }
                case FolderChange.FlagsChanged flags -> {
                    existsIfGrown(out, before);
                    before = messages.size();
                    for (MessageMeta m : flags.messages()) {
                        int seq = sequenceOf(m.uid());
                        if (seq > 0 && m.modSeq() > at(seq).modSeq()) {
                            messages.set(seq - 1, m);
                            out.add(fetchFlags(seq, m, format));
                        }
                        highestModSeq = Math.max(highestModSeq, m.modSeq());
                    }
                }
                case FolderChange.Expunged expunged -> {
                    existsIfGrown(out, before);
                    out.addAll(remove(expunged.uids(), format));
                    before = messages.size();
                    highestModSeq = Math.max(highestModSeq, expunged.modSeq());
                }
                case FolderChange.Reset reset -> throw new IllegalStateException("reset is handled by resync");
            }
        }
        existsIfGrown(out, before);
        return out;
    }

    /** Whether the next queued change is a reset, which the session answers by reading a new snapshot. */
    public boolean resetPending() {
        return !pending.isEmpty() && pending.peekFirst() instanceof FolderChange.Reset;
    }

    /** Drops the queued reset; the caller then calls {@link #resync}. */
    public void takeReset() {
        if (resetPending()) pending.removeFirst();
    }

    /**
     * Brings the view to {@code snapshot} (after a reset): expunges of what is gone, FETCH of changed flags,
     * EXISTS for what is new. Changes queued before the snapshot are dropped: the snapshot holds them.
     */
    public List<Response> resync(FolderSnapshot snapshot, Format format) {
        pending.clear();
        Map<Long, MessageMeta> now = new HashMap<>();
        for (MessageMeta m : snapshot.messages()) now.put(m.uid(), m);
        List<Long> gone = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) if (!now.containsKey(messages.get(i).uid())) gone.add(messages.get(i).uid());
        List<Response> out = new ArrayList<>(remove(gone, format));
        for (int i = 0; i < messages.size(); i++) {
            MessageMeta m = now.get(messages.get(i).uid());
            if (m.modSeq() != messages.get(i).modSeq() || !m.flags().equals(messages.get(i).flags())) {
                messages.set(i, m);
                out.add(fetchFlags(i + 1, m, format));
            }
        }
        int before = messages.size();
        for (MessageMeta m : snapshot.messages()) if (m.uid() > largestUid()) messages.add(m);
        existsIfGrown(out, before);
        messages.rebase(snapshot.messages());
        uidNext = Math.max(uidNext, snapshot.uidNext());
        highestModSeq = Math.max(highestModSeq, snapshot.highestModSeq());
        return out;
    }

    /** The session's own flag change: the messages as the store now has them. Returns their sequence numbers. */
    public List<Integer> update(Collection<MessageMeta> updated) {
        List<Integer> seqs = new ArrayList<>();
        for (MessageMeta m : updated) {
            int seq = sequenceOf(m.uid());
            if (seq == 0) continue;
            if (m.modSeq() >= at(seq).modSeq()) messages.set(seq - 1, m);
            highestModSeq = Math.max(highestModSeq, m.modSeq());
            seqs.add(seq);
        }
        return seqs;
    }

    /**
     * Removes messages (the session's own EXPUNGE or MOVE, or a queued expunge) and returns the responses:
     * {@code * n EXPUNGE} in ascending order, each number counted after the ones before (RFC 9051 §7.5.1's
     * example), or one {@code * VANISHED uids} (RFC 7162 §3.2.10).
     */
    public List<Response> remove(Collection<Long> uids, Format format) {
        Set<Long> doomed = new HashSet<>(uids);
        List<Response> out = new ArrayList<>();
        List<Long> vanished = new ArrayList<>();
        int removed = 0;
        for (int i = 0; i < messages.size(); i++) {
            MessageMeta m = messages.get(i);
            if (doomed.contains(m.uid())) {
                if (format.vanished()) vanished.add(m.uid());
                else out.add(Response.data(Value.number(i + 1 - removed), Value.atom("EXPUNGE")));
                removed++;
            }
        }
        if (removed > 0) messages.removeUids(doomed);
        if (!vanished.isEmpty()) out.add(Response.data(Value.atom("VANISHED"), Value.atom(Sets.compress(vanished))));
        return out;
    }

    private void note(MessageMeta m) {
        uidNext = Math.max(uidNext, m.uid() + 1);
        highestModSeq = Math.max(highestModSeq, m.modSeq());
    }

    private void existsIfGrown(List<Response> out, int before) {
        if (messages.size() > before) out.add(Response.data(Value.number(messages.size()), Value.atom("EXISTS")));
    }

    /** The unsolicited {@code * n FETCH (UID u FLAGS (...) [MODSEQ (m)])} of a flag change (RFC 7162 §3.2.4: UID). */
    static Response fetchFlags(int seq, MessageMeta m, Format format) {
        List<Value> items = new ArrayList<>(List.of(Value.atom("UID"), Value.number(m.uid()), Value.atom("FLAGS"), flags(m)));
        if (format.modSeq()) {
            items.add(Value.atom("MODSEQ"));
            items.add(Value.list(Value.number(m.modSeq())));
        }
        return Response.data(Value.number(seq), Value.atom("FETCH"), new Value.ListOf(items));
    }

    static Value flags(MessageMeta m) {
        return new Value.ListOf(m.flags().stream().sorted().<Value>map(Value.Atom::new).toList());
    }
}
