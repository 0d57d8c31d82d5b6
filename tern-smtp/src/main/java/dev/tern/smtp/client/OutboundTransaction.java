package dev.tern.smtp.client;

import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Recipient;
import dev.tern.smtp.Command;
import dev.tern.smtp.Reply;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * One mail transaction of a {@link SmtpClientSession}: the commands still to send, the replies still awaited
 * (a FIFO, each reply answering the oldest command, RFC 2920 §3.1), and what each reply decided.
 *
 * <p>With PIPELINING every command goes in batches of at most {@value #MAX_BATCH} octets (RFC 2920 §3.1:
 * RSET, MAIL and RCPT anywhere in a group, DATA only last), so neither side can block writing while the other
 * does (Postfix runs 4 KiB ahead for the same reason); without it one command at a time. Before each command
 * is sent the replies so far decide whether it still makes sense: no RCPT after a failed MAIL or after the
 * server's recipient limit, no DATA once every RCPT was refused. Pipelined commands are already out; their
 * replies are read and mostly ignored, and a 354 to a DATA that should not have been sent gets an empty
 * message (".") so the connection stays in step, as mox does.
 */
final class OutboundTransaction {
    static final int MAX_BATCH = 4096;

    private record Pending(String line, Stage stage, int index) {}

    private final Envelope envelope;
    private final ContentFacts content;
    private final boolean pipelining;
    private final boolean chunking;
    private final boolean dsn;
    private final Deque<Pending> unsent = new ArrayDeque<>();
    private final Deque<Pending> awaiting = new ArrayDeque<>();
    private final Reply[] rcptReplies;
    private Reply mailReply;
    private Reply dataReply;
    private Reply endReply;
    private Reply limitReply; // the first 452/552 to a RCPT: no more RCPTs in this transaction
    private int accepted;
    private boolean bodyOffered;
    private boolean resyncing;

    OutboundTransaction(Envelope envelope, ContentFacts content, Extensions offered, boolean reset) {
        this.envelope = envelope;
        this.content = content;
        this.pipelining = offered.pipelining();
        this.chunking = offered.chunking();
        this.dsn = offered.dsn();
        this.rcptReplies = new Reply[envelope.recipients().size()];
        if (reset) queue(new Command.Rset(), Stage.RSET, -1);
        queue(new Command.MailFrom(envelope.reversePath(), mailOptions(envelope, content, offered)), Stage.MAIL, -1);
        for (int i = 0; i < rcptReplies.length; i++) {
            queue(new Command.RcptTo(recipient(envelope.recipients().get(i), dsn)), Stage.RCPT, i);
        }
        if (!chunking) queue(new Command.Data(), Stage.DATA, -1);
    }

    /**
     * Why the message cannot go to this server at all, checked before MAIL: SMTPUTF8 (RFC 6531 §3.2), SIZE
     * (RFC 1870), 8BITMIME (RFC 6152 §3; no conversion to quoted-printable yet) and the line limit (DotEncoder).
     */
    static Optional<Reply> precondition(Envelope envelope, ContentFacts content, Extensions offered) {
        if (needsSmtpUtf8(envelope) && !offered.smtpUtf8()) return Optional.of(ClientReplies.SMTPUTF8_NOT_OFFERED);
        // RFC 8689 §4.2.1: a REQUIRETLS message goes only to a server that offers REQUIRETLS (after STARTTLS).
        if (envelope.options().requireTls() && !offered.requireTls()) return Optional.of(ClientReplies.REQUIRETLS_NOT_OFFERED);
        if (offered.maxSize().isPresent() && content.octets() > offered.maxSize().getAsLong()) {
            return Optional.of(ClientReplies.TOO_BIG);
        }
        if (content.eightBit() && !offered.eightBitMime()) return Optional.of(ClientReplies.EIGHT_BIT_NOT_OFFERED);
        if (content.longestLine() > DotEncoder.MAX_LINE) return Optional.of(ClientReplies.LINE_TOO_LONG);
        return Optional.empty();
    }

    ClientStep start() {
        return advance();
    }

    /** The stage of the reply awaited next. */
    Stage stage() {
        Pending next = awaiting.peek();
        return next != null ? next.stage() : bodyOffered || dataReply != null ? Stage.END_OF_DATA : Stage.MAIL;
    }

    ClientStep reply(Reply reply) {
        Pending answered = awaiting.poll();
        if (answered == null) return close(new Ending.Abandoned(stage(), ClientReplies.UNEXPECTED_REPLY));
        // RFC 5321 §3.8: 421 at any point, the server is closing the connection.
        if (reply.code() == 421) return close(new Ending.Refused(answered.stage(), reply));
        int kind = reply.code() / 100;
        switch (answered.stage()) {
            case RSET -> {
                if (kind != 2) return closeWithQuit(new Ending.Refused(Stage.RSET, reply));
            }
            case MAIL -> {
                if (kind == 3) return close(new Ending.Abandoned(Stage.MAIL, ClientReplies.UNEXPECTED_REPLY));
                mailReply = reply;
            }
            case RCPT -> {
                if (kind == 3) return close(new Ending.Abandoned(Stage.RCPT, ClientReplies.UNEXPECTED_REPLY));
                rcptReplies[answered.index()] = reply;
                if (kind == 2) accepted++;
                else if (isLimit(reply) && limitReply == null) limitReply = reply;
            }
            case DATA -> {
                if (kind == 2) return close(new Ending.Abandoned(Stage.DATA, ClientReplies.UNEXPECTED_REPLY));
                dataReply = reply;
                if (reply.code() == 354) {
                    if (!mailFailed() && accepted > 0) return ClientStep.of(new ClientNext.SendData());
                    resyncing = true; // RFC 5321 §4.1.1.4: end the data at once, an empty message nobody gets
                    awaiting.add(new Pending(".", Stage.END_OF_DATA, -1));
                    return ClientStep.of(read(), ".");
                }
            }
            case END_OF_DATA -> {
                if (kind == 3) return close(new Ending.Abandoned(Stage.END_OF_DATA, ClientReplies.UNEXPECTED_REPLY));
                if (!resyncing) endReply = reply;
            }
            case GREETING, HELLO, STARTTLS, AUTH, QUIT -> throw new IllegalStateException("not a transaction stage");
        }
        return awaiting.isEmpty() ? advance() : ClientStep.of(read());
    }

    ClientStep bodySent() {
        if (!(dataReply != null && dataReply.code() == 354 || bodyOffered) || endReply != null || !awaiting.isEmpty()) {
            throw new IllegalStateException("no body was asked for");
        }
        awaiting.add(new Pending("", Stage.END_OF_DATA, -1));
        return ClientStep.of(read());
    }

    /** Ends the transaction on a closing connection: what is not yet decided gets the ending's reply. */
    ClientStep close(Ending ending, String... lines) {
        Reply reason = switch (ending) {
            case Ending.Refused(Stage _, Reply reply) -> reply;
            case Ending.Abandoned(Stage _, Reply r) -> r;
            case Ending.Quit _ -> ClientReplies.CONNECTION_LOST;
        };
        boolean fromServer = ending instanceof Ending.Refused;
        return ClientStep.of(new ClientNext.Close(ending, outcome(reason, fromServer)), lines);
    }

    private ClientStep closeWithQuit(Ending ending) {
        return close(ending, CommandRenderer.render(new Command.Quit()));
    }

    private ClientStep advance() {
        List<String> batch = new ArrayList<>();
        int octets = 0;
        while (!unsent.isEmpty()) {
            Pending next = unsent.peek();
            if (obsolete(next)) {
                unsent.poll();
                continue;
            }
            if (!batch.isEmpty() && (!pipelining || octets + next.line().length() + 2 > MAX_BATCH)) break;
            unsent.poll();
            awaiting.add(next);
            batch.add(next.line());
            octets += next.line().length() + 2;
        }
        if (!batch.isEmpty()) return new ClientStep(batch, read());
        if (chunking && !bodyOffered && !mailFailed() && accepted > 0) {
            // RFC 3030 §2: the whole message as one last chunk, its size known from the scan.
            bodyOffered = true;
            return ClientStep.of(new ClientNext.SendChunk(content.octets()),
                    CommandRenderer.render(new Command.Bdat(content.octets(), true)));
        }
        return ClientStep.of(new ClientNext.Done(outcome(ClientReplies.UNEXPECTED_REPLY, false)));
    }

    private boolean obsolete(Pending next) {
        return switch (next.stage()) {
            case RCPT -> mailFailed() || limitReply != null;
            // RFC 5321 §3.3: no DATA without an accepted recipient, once every RCPT has been answered.
            case DATA -> mailFailed() || accepted == 0 && awaiting.stream().noneMatch(p -> p.stage() == Stage.RCPT);
            default -> false;
        };
    }

    private TransactionOutcome outcome(Reply undecided, boolean undecidedFromServer) {
        List<RcptOutcome> outcomes = new ArrayList<>(rcptReplies.length);
        for (int i = 0; i < rcptReplies.length; i++) {
            Recipient recipient = envelope.recipients().get(i);
            outcomes.add(outcome(recipient, rcptReplies[i], undecided, undecidedFromServer));
        }
        return new TransactionOutcome(outcomes, dsn);
    }

    private RcptOutcome outcome(Recipient recipient, Reply rcpt, Reply undecided, boolean undecidedFromServer) {
        if (mailFailed()) return RcptOutcome.ofError(recipient, mailReply, true);
        if (rcpt == null && limitReply != null) return limited(recipient, limitReply);
        if (rcpt == null) return RcptOutcome.ofError(recipient, undecided, undecidedFromServer);
        if (rcpt.code() / 100 != 2) return isLimit(rcpt) ? limited(recipient, rcpt) : RcptOutcome.ofError(recipient, rcpt, true);
        if (endReply != null) {
            return endReply.code() / 100 == 2 ? new RcptOutcome.Delivered(recipient, endReply) : RcptOutcome.ofError(recipient, endReply, true);
        }
        if (dataReply != null && dataReply.isError()) return RcptOutcome.ofError(recipient, dataReply, true);
        return RcptOutcome.ofError(recipient, undecided, undecidedFromServer);
    }

    /** RFC 5321 §4.5.3.1.10: over the limit when others were accepted; a plain deferral when none was. */
    private RcptOutcome limited(Recipient recipient, Reply reply) {
        return accepted > 0 ? new RcptOutcome.OverLimit(recipient, reply) : new RcptOutcome.Deferred(recipient, reply, true);
    }

    /**
     * RFC 5321 §4.5.3.1.10: 452 too many recipients, and 552 which RFC 821 wrongly gave it, read as 452; but a
     * reply whose enhanced status says something else (452 4.2.2 mailbox full, 552 5.2.2) is about that mailbox
     * only, not the transaction's recipient count (RFC 3463: X.5.3 is "too many recipients").
     */
    private static boolean isLimit(Reply reply) {
        if (reply.code() != 452 && reply.code() != 552) return false;
        return reply.enhanced().map(e -> e.subject() == 5 && e.detail() == 3).orElse(true);
    }

    private boolean mailFailed() {
        return mailReply != null && mailReply.isError();
    }

    private ClientNext.ReadReply read() {
        return new ClientNext.ReadReply(awaiting.peek().stage(), awaiting.size());
    }

    private void queue(Command command, Stage stage, int index) {
        unsent.add(new Pending(CommandRenderer.render(command), stage, index));
    }

    static boolean needsSmtpUtf8(Envelope envelope) {
        if (envelope.options().smtpUtf8()) return true;
        if (envelope.reversePath() instanceof dev.tern.mail.ReversePath.Sender(var mailbox) && mailbox.isUtf8()) return true;
        return envelope.recipients().stream().anyMatch(r -> r.mailbox().isUtf8());
    }

    /** The MAIL parameters this server can take: each only when its extension is offered. */
    private static MailOptions mailOptions(Envelope envelope, ContentFacts content, Extensions offered) {
        MailOptions asked = envelope.options();
        long size = offered.size() ? content.octets() : 0;
        MailOptions.Body body = MailOptions.Body.UNSPECIFIED;
        if (offered.eightBitMime()) {
            // RFC 6152 §2: BODY=8BITMIME for 8-bit content, or as the submitter declared it.
            if (content.eightBit() || asked.body() == MailOptions.Body.EIGHT_BIT_MIME) body = MailOptions.Body.EIGHT_BIT_MIME;
            else body = asked.body();
        }
        boolean utf8 = offered.smtpUtf8() && needsSmtpUtf8(envelope);
        // RFC 3461 §4.3, §4.4: RET and ENVID only to a server that offers DSN; ENVID at most 100 characters.
        boolean dsn = offered.dsn();
        String envId = dsn && isXtextable(asked.envId()) && dev.tern.smtp.Xtext.encode(asked.envId()).length() <= 100 ? asked.envId() : "";
        // RFC 8689 §4.2.1: REQUIRETLS goes on with the message (the precondition made sure it is offered).
        return new MailOptions(size, body, utf8, dsn ? asked.ret() : MailOptions.Ret.UNSPECIFIED, envId,
                asked.requireTls() && offered.requireTls());
    }

    /** RFC 3461 §4.1, §4.2: NOTIFY and ORCPT only to a server that offers DSN. */
    private static Recipient recipient(Recipient asked, boolean dsn) {
        if (!dsn) return Recipient.of(asked.mailbox());
        int semicolon = asked.orcpt().indexOf(';');
        boolean orcptFits = semicolon > 0 && isXtextable(asked.orcpt().substring(semicolon + 1));
        return new Recipient(asked.mailbox(), asked.notifyOn(), orcptFits ? asked.orcpt() : "");
    }

    private static boolean isXtextable(String text) {
        return text.chars().allMatch(c -> c >= 32 && c <= 126);
    }
}
