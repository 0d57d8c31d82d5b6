package dev.tern.delivery;

import dev.tern.spool.SpooledMessage;
import java.util.List;

/**
 * Carries recipients of a spooled message one hop further: into local mailboxes ({@link LocalTransport}) or to
 * the next SMTP server ({@code RemoteTransport}). The queue runner groups a message's pending recipients by
 * next hop and gives each group to one transport call.
 *
 * <p>Contract: one outcome per index in {@code recipients}, in any order; nothing is written to the spool (the
 * runner records outcomes, DSNs and retries). A failure that may heal is a {@link RecipientOutcome.TemporaryFailure},
 * never an exception; an unchecked exception is a bug, which the runner records as a temporary failure of the
 * whole group. Called from many delivery threads at once: implementations are thread-safe. A transport may
 * deliver a recipient and then fail to report it (a crash, a lost connection after the final reply): the
 * runner then tries again, so a local transport must recognise its own copies and a remote one accepts this
 * window (a duplicate beats a loss).
 */
public interface Transport {
    List<RecipientOutcome> deliver(SpooledMessage message, List<Integer> recipients);
}
