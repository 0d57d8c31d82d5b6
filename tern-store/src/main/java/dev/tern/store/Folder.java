package dev.tern.store;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One folder of one user, shared by every session that opens it. Thread-safe.
 *
 * <p>Atomicity and crashes: each changing call is one transaction of the folder's index. When it returns, its
 * effect is durable (the index record is forced to disk) and its watchers have been told; after a crash a change
 * that returned is there, and one that did not is there whole or not at all. A UID, once given to any caller, is
 * never given again under the same UIDVALIDITY, even when the message was never stored. UIDVALIDITY changes only
 * when the index is lost and is rebuilt from the message files. Mod-sequences only grow.
 *
 * <p>Calls on UIDs that no longer exist (expunged by another session) skip them rather than fail.
 */
public interface Folder {
    String name();

    long uidValidity();

    /** Every live message, with the counters, at one moment (picks up files other programs put into new/). */
    FolderSnapshot snapshot() throws IOException;

    /**
     * The message's content with CRLF line endings, exactly {@link MessageMeta#size()} octets; empty when it was
     * expunged. The caller closes the stream.
     */
    Optional<InputStream> content(long uid) throws IOException;

    /** Its MIME structure (parsed once, then cached); empty when it was expunged. */
    Optional<MessageStructure> structure(long uid) throws IOException;

    /**
     * Stores a new message (content with CRLF line endings, as IMAP APPEND gives it).
     *
     * @param flags        as in {@link MessageMeta#flags()}
     * @param internalDate APPEND's date, or null for now
     */
    AppendResult append(InputStream content, Set<String> flags, Instant internalDate) throws IOException;

    /**
     * Changes flags of the messages with these UIDs.
     *
     * @param unchangedSince CONDSTORE's UNCHANGEDSINCE: messages with a greater mod-sequence are left alone and
     *                       reported in {@link StoreResult#modified()}
     */
    StoreResult store(Collection<Long> uids, FlagOperation operation, Set<String> flags, OptionalLong unchangedSince)
            throws IOException;

    /** Copies messages into {@code target} (which may be this folder), keeping flags and internal dates. */
    CopyResult copy(Collection<Long> uids, Folder target) throws IOException;

    /**
     * Moves messages into {@code target} (RFC 6851): the copy is durable before the originals are expunged, so a
     * crash in between leaves both, never neither.
     */
    CopyResult move(Collection<Long> uids, Folder target) throws IOException;

    /** Removes these messages (POP3's DELEs, MOVE's originals); returns those removed. */
    List<Long> expunge(Collection<Long> uids) throws IOException;

    /**
     * Removes those of these messages whose flags, as they are at the moment of the transaction, include
     * {@code \Deleted} (IMAP's EXPUNGE, UID EXPUNGE and CLOSE, RFC 9051 §6.4.3): a {@code \Deleted} another
     * session cleared meanwhile keeps its message. Returns those removed.
     */
    List<Long> expungeDeleted(Collection<Long> uids) throws IOException;

    /**
     * UIDs expunged after mod-sequence {@code modSeq}, in ascending order (QRESYNC's VANISHED, RFC 7162 §3.2.10),
     * complete only when {@code modSeq >= }{@link #expungeHorizon()} (older tombstones may have been pruned).
     */
    List<Long> expungedSince(long modSeq) throws IOException;

    /** The lowest mod-sequence for which {@link #expungedSince} is complete. */
    long expungeHorizon();

    /** Starts telling {@code watcher} of every change from now on, until the subscription is closed. */
    Subscription watch(FolderWatcher watcher);

    /** A registration of a {@link FolderWatcher}. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
