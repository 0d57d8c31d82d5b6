package dev.tern.readers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.imap.MailboxUpdate;
import dev.tern.store.FolderChange;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The bounded queue between the store's watchers and one IMAP session. */
class SessionUpdatesTest {
    private static final FolderChange EXPUNGED = new FolderChange.Expunged(List.of(1L), 2);

    @Test
    void keepsChangesInOrderUnderTheCapacity() {
        AtomicInteger wakeups = new AtomicInteger();
        SessionUpdates updates = new SessionUpdates(3, wakeups::incrementAndGet);
        updates.offer(new MailboxUpdate(7, EXPUNGED));
        updates.offer(new MailboxUpdate(7, new FolderChange.Reset()));
        assertThat(updates.drain()).extracting(MailboxUpdate::selection).containsExactly(7L, 7L);
        assertThat(updates.drain()).isEmpty();
        assertThat(wakeups).hasValue(2);
    }

    @Test
    void aLateChangeOfAnOldSelectionThatOverflowsStillResetsTheCurrentOne() {
        SessionUpdates updates = new SessionUpdates(2, () -> {});
        updates.offer(new MailboxUpdate(2, EXPUNGED)); // the current selection
        updates.offer(new MailboxUpdate(2, EXPUNGED));
        updates.offer(new MailboxUpdate(1, EXPUNGED)); // the old one's late change overflows the queue
        updates.offer(new MailboxUpdate(2, EXPUNGED)); // covered by the reset
        List<MailboxUpdate> drained = updates.drain();
        assertThat(drained).allSatisfy(u -> assertThat(u.change()).isInstanceOf(FolderChange.Reset.class));
        assertThat(drained).extracting(MailboxUpdate::selection).containsExactlyInAnyOrder(1L, 2L);
    }
}
