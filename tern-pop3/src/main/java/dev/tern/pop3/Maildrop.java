package dev.tern.pop3;

import dev.tern.store.Folder;
import dev.tern.store.FolderSnapshot;
import dev.tern.store.MessageMeta;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The TRANSACTION state's view of INBOX (RFC 1939 §5): message numbers fixed at login from one
 * {@link Folder#snapshot()}, deletion marks, and the commands that read them. Mail that arrives later is not
 * shown until the next session; a message another session (IMAP) expunged meanwhile keeps its number and size
 * here, and RETR or TOP of it fails with a clear text. Not thread-safe: owned by one session.
 */
final class Maildrop {
    private final Folder folder;
    private final long uidValidity;
    private final List<MessageMeta> messages;
    private final boolean[] deleted;

    Maildrop(Folder folder, FolderSnapshot snapshot) {
        this.folder = folder;
        this.uidValidity = snapshot.uidValidity();
        this.messages = snapshot.messages();
        this.deleted = new boolean[messages.size()];
    }

    /** RFC 1939 §5: {@code +OK nn mm}, deleted messages not counted. */
    Response stat() {
        return new Response.Ok(count() + " " + octets());
    }

    String summary() {
        return "maildrop has " + count() + " message" + (count() == 1 ? "" : "s") + " (" + octets() + " octets)";
    }

    Response list(Optional<Integer> message) {
        if (message.isPresent()) {
            return live(message.get()).<Response>map(m -> new Response.Ok(message.get() + " " + m.size()))
                    .orElseGet(() -> noSuchMessage(message.get()));
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            if (!deleted[i]) lines.add((i + 1) + " " + messages.get(i).size());
        }
        return new Response.Lines(count() + " messages (" + octets() + " octets)", lines);
    }

    /** RFC 1939 §7: the unique-id is {@code uidValidity.uid}, the same in every session while UIDVALIDITY holds. */
    Response uidl(Optional<Integer> message) {
        if (message.isPresent()) {
            return live(message.get()).<Response>map(m -> new Response.Ok(message.get() + " " + uniqueId(m)))
                    .orElseGet(() -> noSuchMessage(message.get()));
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            if (!deleted[i]) lines.add((i + 1) + " " + uniqueId(messages.get(i)));
        }
        return new Response.Lines("unique-id listing follows", lines);
    }

    Response retr(int message) {
        return content(message, OptionalInt.empty());
    }

    Response top(int message, int lines) {
        return content(message, OptionalInt.of(lines));
    }

    /** RFC 1939 §5: marks the message; it goes only in the UPDATE state. */
    Response dele(int message) {
        Optional<MessageMeta> meta = live(message);
        if (meta.isEmpty()) return noSuchMessage(message);
        deleted[message - 1] = true;
        return new Response.Ok("message " + message + " deleted");
    }

    Response rset() {
        java.util.Arrays.fill(deleted, false);
        return new Response.Ok(summary());
    }

    /** RFC 1939 §6: the UPDATE state removes the marked messages, in one expunge of the folder. */
    Response update() {
        List<Long> marked = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            if (deleted[i]) marked.add(messages.get(i).uid());
        }
        if (marked.isEmpty()) return new Response.Ok("Tern POP3 server signing off");
        try {
            folder.expunge(marked);
            return new Response.Ok("Tern POP3 server signing off (" + marked.size() + " deleted)");
        } catch (IOException e) { // RFC 1939 §6: -ERR when some marked messages could not be removed
            return new Response.Err(ResponseCode.SYS_TEMP, "deleted messages not removed; they are still there");
        }
    }

    private Response content(int message, OptionalInt bodyLines) {
        Optional<MessageMeta> meta = live(message);
        if (meta.isEmpty()) return noSuchMessage(message);
        Optional<InputStream> content;
        try {
            content = folder.content(meta.get().uid());
        } catch (IOException e) { // the store's trouble: temporary, the client may retry
            return new Response.Err(ResponseCode.SYS_TEMP, "cannot read message " + message + " now; try again later");
        }
        if (content.isEmpty()) return new Response.Err("message " + message + " was removed by another session");
        String text = bodyLines.isPresent() ? "top of message follows" : meta.get().size() + " octets";
        return new Response.Message(text, content.get(), bodyLines);
    }

    private Optional<MessageMeta> live(int message) {
        if (message < 1 || message > messages.size() || deleted[message - 1]) return Optional.empty();
        return Optional.of(messages.get(message - 1));
    }

    private Response noSuchMessage(int message) {
        boolean marked = message >= 1 && message <= messages.size() && deleted[message - 1];
        return new Response.Err(marked ? "message " + message + " already deleted" : "no such message");
    }

    private String uniqueId(MessageMeta meta) {
        return uidValidity + "." + meta.uid();
    }

    private int count() {
        int n = 0;
        for (boolean d : deleted) if (!d) n++;
        return n;
    }

    private long octets() {
        long total = 0;
        for (int i = 0; i < messages.size(); i++) if (!deleted[i]) total += messages.get(i).size();
        return total;
    }
}
