package dev.tern.smtp.client;

import dev.tern.mail.Envelope;
import dev.tern.smtp.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Plays a client session against a script of what the server says, and records the whole conversation in
 * the script's own form, so a test compares the two. Script lines:
 * <pre>
 * S: 250-mx.example      a server reply line (continuation lines make one reply, read by a ReplyParser)
 * C: MAIL FROM:&lt;a@b&gt;     what the client must send (only compared)
 * C: &lt;body&gt;              the client streams the message content
 * TLS / TLS FAILS        the handshake after STARTTLS
 * LOST                   the connection drops where the client waits for a reply
 * </pre>
 * Each message is sent when the session is ready; then it quits. Every loop is bounded.
 */
final class Dialog {
    record Message(Envelope envelope, ContentFacts content) {}

    final List<String> transcript = new ArrayList<>();
    final List<TransactionOutcome> outcomes = new ArrayList<>();
    final List<ClientStep> steps = new ArrayList<>();
    Ending ending;
    TransactionOutcome closingTransaction;

    static Dialog run(ClientSettings settings, List<Message> messages, String script) {
        Dialog dialog = new Dialog();
        dialog.play(new SmtpClientSession(settings), new ArrayDeque<>(messages), directives(script));
        return dialog;
    }

    static List<String> directives(String script) {
        return script.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    private void play(SmtpClientSession session, Deque<Message> messages, List<String> script) {
        Deque<String> server = new ArrayDeque<>(script.stream().filter(l -> !l.startsWith("C:")).toList());
        ClientStep step = session.start();
        for (int n = 0; n < 10_000; n++) {
            steps.add(step);
            step.transcript().forEach(line -> transcript.add("C: " + line));
            switch (step.next()) {
                case ClientNext.ReadReply _ -> step = read(session, server);
                case ClientNext.StartTls _ -> {
                    String how = server.poll();
                    transcript.add(how);
                    step = "TLS".equals(how) ? session.tlsStarted() : session.tlsFailed();
                }
                case ClientNext.SendData _ -> {
                    transcript.add("C: <body>");
                    step = session.bodySent();
                }
                case ClientNext.SendChunk _ -> {
                    transcript.add("C: <body>");
                    step = session.bodySent();
                }
                case ClientNext.Ready _ -> step = next(session, messages);
                case ClientNext.Done(TransactionOutcome outcome) -> {
                    outcomes.add(outcome);
                    step = next(session, messages);
                }
                case ClientNext.Close(Ending end, TransactionOutcome transaction) -> {
                    ending = end;
                    closingTransaction = transaction;
                    return;
                }
            }
        }
        throw new AssertionError("the dialog did not end");
    }

    private static ClientStep next(SmtpClientSession session, Deque<Message> messages) {
        Message message = messages.poll();
        return message == null ? session.quit() : session.send(message.envelope(), message.content());
    }

    private ClientStep read(SmtpClientSession session, Deque<String> server) {
        ReplyParser parser = new ReplyParser();
        for (int n = 0; n < ReplyParser.MAX_LINES + 1; n++) {
            String line = server.poll();
            if (line == null || line.equals("LOST")) {
                transcript.add("LOST");
                return session.connectionLost();
            }
            if (!line.startsWith("S: ")) throw new AssertionError("expected a server line, script has: " + line);
            transcript.add(line);
            byte[] wire = (line.substring(3) + "\r\n").getBytes(StandardCharsets.UTF_8);
            switch (parser.feed(wire, 0, wire.length)) {
                case ReplyRead.Complete(Reply reply, int _) -> {
                    return session.reply(reply);
                }
                case ReplyRead.Malformed _ -> {
                    return session.malformedReply();
                }
                case ReplyRead.Incomplete _ -> { }
            }
        }
        throw new AssertionError("reply too long");
    }
}
