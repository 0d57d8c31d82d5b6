package dev.tern.imap;

import dev.tern.store.FolderSnapshot;
import dev.tern.store.MessageMeta;
import java.util.ArrayList;
import java.util.List;

/** STATUS data (RFC 9051 §6.3.11, §7.3.2; RFC 7162 §3.1.9 HIGHESTMODSEQ; RFC 8438 SIZE). */
final class StatusResponder {
    private StatusResponder() {}

    static Response status(MailboxName name, FolderSnapshot snapshot, List<StatusItem> items) {
        List<Value> values = new ArrayList<>();
        for (StatusItem item : items) {
            values.add(Value.atom(item.name()));
            values.add(Value.number(switch (item) {
                case MESSAGES -> snapshot.messages().size();
                case UIDNEXT -> snapshot.uidNext();
                case UIDVALIDITY -> snapshot.uidValidity();
                case UNSEEN -> snapshot.messages().stream().filter(m -> !m.has("\\Seen")).count();
                case DELETED -> snapshot.messages().stream().filter(m -> m.has("\\Deleted")).count();
                case SIZE -> snapshot.messages().stream().mapToLong(MessageMeta::size).sum();
                case HIGHESTMODSEQ -> snapshot.highestModSeq();
                case RECENT -> 0; // RFC 9051 dropped \Recent; rev1 clients hear none
            }));
        }
        return Response.data(Value.atom("STATUS"), new Value.Mailbox(name), new Value.ListOf(values));
    }
}
