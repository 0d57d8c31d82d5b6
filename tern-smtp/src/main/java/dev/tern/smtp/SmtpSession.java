package dev.tern.smtp;

import dev.tern.mail.Domain;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.QueueId;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The SMTP server state machine for one connection (RFC 5321 §4.1.4 ordering, §4.3.2 replies): a command line
 * in, a {@link Step} out. Not thread-safe: one connection drives it from one thread. No I/O, no clocks.
 *
 * <p>Call order: {@link #greeting()} once; then {@link #command(String)} for each line; when a step says
 * {@link Next.ReadData} or the last {@link Next.ReadChunk}, the caller reads the content, reads
 * {@link #envelope()} and {@link #receivedHeader}, stores the message, and answers with
 * {@link #messageReceived(QueueId)} or {@link #messageRejected(Reply)}. After a non-last
 * {@link Next.ReadChunk} it calls {@link #chunkReceived(long)} (or {@link #messageRejected(Reply)} to give up
 * the transaction). A call out of this order is a bug in the caller: {@link IllegalStateException}.
 *
 * <p>Limits, all from {@link SessionSettings}:
 * <ul>
 * <li>Transactions: each accepted MAIL counts, so MAIL/RSET loops are bounded too. The MAIL that would begin
 *     one more than {@code maxMessages} gets {@code 421 4.7.0} and the connection closes.
 * <li>Errors: every 4yz/5yz reply to a command counts (syntax, order, refused recipients, so address probing
 *     is bounded), except {@code 452 4.5.3} for recipients over the limit, which RFC 5321 §4.5.3.1.10 makes a
 *     normal part of a large delivery. The error after {@code maxErrors} is answered {@code 421 4.7.0 Too many
 *     errors} and the connection closes. Replies to message content are not counted.
 * <li>Any 421 reply, including one from the policy or {@link #messageRejected}, closes the connection
 *     (RFC 5321 §3.8).
 * </ul>
 */
public final class SmtpSession {
    private enum Phase { COMMAND, DATA, CHUNK, LAST_CHUNK, CLOSED }

    // Whatever InetAddress.getHostAddress() gives: IPv4, IPv6, an IPv6 zone.
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.:%_-]{1,64}");

    private final SessionSettings settings;
    private final RecipientPolicy policy;
    private final String addressLiteral;
    private final CommandParser parser;
    private Phase phase = Phase.COMMAND;
    private Domain helo;
    private boolean extended;
    private Transaction transaction;
    private int messages;
    private int errors;

    /**
     * {@code clientAddress} is the peer's IP address as {@code InetAddress.getHostAddress()} writes it; it goes
     * into the Received: field. {@code settings.hostname()} must be a valid domain name.
     */
    public SmtpSession(SessionSettings settings, RecipientPolicy policy, String clientAddress) {
        if (settings == null || policy == null) throw new IllegalArgumentException("settings and policy are required");
        if (clientAddress == null || !ADDRESS.matcher(clientAddress).matches()) {
            throw new IllegalArgumentException("client address must be a numeric IP address");
        }
        this.settings = settings;
        this.policy = policy;
        // RFC 5321 §4.1.3: IPv6 address literals carry the "IPv6:" tag.
        this.addressLiteral = clientAddress.indexOf(':') >= 0 ? "[IPv6:" + clientAddress + "]" : "[" + clientAddress + "]";
        this.parser = new CommandParser(Domain.parse(settings.hostname()));
    }

    /** The 220 greeting (RFC 5321 §4.2; §3.1); RFC 2034 §3: no enhanced status code. */
    public Step greeting() {
        return Step.reply(Reply.plain(220, List.of(settings.hostname() + " ESMTP Tern")));
    }

    /** One command line, without its CRLF, already limited in length by the caller. */
    public Step command(String line) {
        require(phase != Phase.CLOSED, "a command after the session closed");
        require(phase == Phase.COMMAND, "a command while content is expected");
        Command command = parser.parse(line, transaction != null && transaction.options.smtpUtf8());
        return switch (command) {
            case Command.Helo(Domain client) -> hello(client, false);
            case Command.Ehlo(Domain client) -> hello(client, true);
            case Command.MailFrom(ReversePath from, MailOptions options) -> mail(from, options);
            case Command.RcptTo(Recipient to) -> rcpt(to);
            case Command.Data() -> data();
            case Command.Bdat(long size, boolean last) -> bdat(size, last);
            case Command.Rset() -> {
                transaction = null; // RFC 5321 §4.1.1.5
                yield respond(Replies.OK);
            }
            case Command.Noop() -> respond(Replies.OK);
            case Command.Quit() -> close(Replies.BYE);
            // RFC 5321 §3.5.3: a server that will not verify answers 252.
            case Command.Vrfy(String argument) ->
                    respond(settings.vrfyEnabled() ? policy.verify(argument) : Replies.CANNOT_VRFY);
            // RFC 5321 §3.5.2: EXPN may be disabled; then 502.
            case Command.Expn(String argument) ->
                    respond(settings.expnEnabled() ? policy.expand(argument) : Replies.NOT_IMPLEMENTED);
            case Command.Help _ -> respond(Replies.HELP);
            // Not offered in EHLO yet, so RFC 5321 §4.2.4: 502 command not implemented.
            case Command.StartTls() -> respond(Replies.NOT_IMPLEMENTED);
            case Command.Auth _ -> respond(Replies.NOT_IMPLEMENTED);
            case Command.Invalid(Reply reply) -> respond(reply);
        };
    }

    /** The current transaction's envelope; valid once the content has been read. */
    public Envelope envelope() {
        require(transaction != null && !transaction.recipients.isEmpty(), "no transaction with recipients");
        return new Envelope(transaction.from, transaction.recipients, transaction.options);
    }

    /** The Received: header (RFC 5321 §4.4) for this transaction, ending in CRLF, folded under 78 columns. */
    public String receivedHeader(QueueId id, ZonedDateTime when) {
        require(transaction != null && !transaction.recipients.isEmpty(), "no transaction with recipients");
        return ReceivedField.format(helo, addressLiteral, settings.hostname(), protocol(), id,
                transaction.recipients, when);
    }

    /** The message is durably stored: 250 2.0.0 with the queue id, transaction reset. */
    public Step messageReceived(QueueId id) {
        require(phase == Phase.DATA || phase == Phase.LAST_CHUNK, "no message content was expected");
        transaction = null;
        phase = Phase.COMMAND;
        return Step.reply(Reply.of(250, "2.0.0", "Ok: queued as " + id.value()));
    }

    /** The content was refused (size, loop, smuggling, storage failure): that reply, transaction reset. */
    public Step messageRejected(Reply reply) {
        require(phase == Phase.DATA || phase == Phase.CHUNK || phase == Phase.LAST_CHUNK, "no message content was expected");
        if (!reply.isError()) throw new IllegalArgumentException("a rejection needs a 4yz or 5yz reply");
        transaction = null;
        phase = Phase.COMMAND;
        return reply.code() == 421 ? close(reply) : Step.reply(reply);
    }

    /** A non-last BDAT chunk has been read and kept: 250 2.0.0. */
    public Step chunkReceived(long octets) {
        require(phase == Phase.CHUNK, "no BDAT chunk was expected");
        phase = Phase.COMMAND;
        return Step.reply(Reply.of(250, "2.0.0", octets + " octets received"));
    }

    /** The caller read a command line longer than allowed: 500 5.5.2, counted as an error. */
    public Step lineTooLong() {
        require(phase == Phase.COMMAND, "a command line while content is expected");
        return respond(Replies.LINE_TOO_LONG);
    }

    /** The idle timeout expired: 421 4.4.2 and close (RFC 5321 §4.5.3.2). */
    public Step timeout() {
        return close(Reply.of(421, "4.4.2", settings.hostname() + " Timeout, closing connection"));
    }

    /** The server is stopping: 421 4.3.2 and close. */
    public Step shuttingDown() {
        return close(Reply.of(421, "4.3.2", settings.hostname() + " Service shutting down, closing connection"));
    }

    /** RFC 5321 §4.1.1.1: HELO/EHLO; §4.1.4: it also resets any transaction. */
    private Step hello(Domain client, boolean ehlo) {
        helo = client;
        extended = ehlo;
        transaction = null;
        // RFC 2034 §3: replies to HELO and EHLO carry no enhanced status code.
        if (!ehlo) return Step.reply(Reply.plain(250, List.of(settings.hostname())));
        return Step.reply(Reply.plain(250, List.of(settings.hostname(),
                "SIZE " + settings.maxMessageSize(),  // RFC 1870
                "PIPELINING",                         // RFC 2920
                "8BITMIME",                           // RFC 6152
                "ENHANCEDSTATUSCODES",                // RFC 2034
                "SMTPUTF8",                           // RFC 6531
                "CHUNKING",                           // RFC 3030
                "DSN",                                // RFC 3461
                "HELP")));                            // RFC 5321 §4.1.1.8
    }

    private Step mail(ReversePath from, MailOptions options) {
        // RFC 5321 §4.1.4: a session must be opened with HELO/EHLO before MAIL.
        if (helo == null) return respond(Replies.HELO_FIRST);
        // RFC 5321 §4.1.4: MAIL may not be sent while a transaction is open.
        if (transaction != null) return respond(Replies.NESTED_MAIL);
        if (messages >= settings.maxMessages()) return close(Replies.TOO_MANY_MESSAGES);
        // RFC 1870 §6.1: a declared size over the fixed maximum is 552 at MAIL.
        if (options.declaredSize() > settings.maxMessageSize()) return respond(Replies.TOO_BIG);
        messages++;
        transaction = new Transaction(from, options);
        return respond(Replies.SENDER_OK);
    }

    private Step rcpt(Recipient to) {
        // RFC 5321 §4.1.4: RCPT needs a MAIL first.
        if (transaction == null) return respond(Replies.NEED_MAIL);
        // RFC 5321 §4.5.3.1.10: 452 over the limit; the client sends the rest in another transaction.
        if (transaction.recipients.size() >= settings.maxRecipients()) return Step.reply(Replies.TOO_MANY_RECIPIENTS);
        return switch (policy.recipient(to.mailbox())) {
            case Verdict.Accept() -> {
                // The same mailbox twice is one delivery; the first RCPT's DSN parameters stand.
                if (transaction.recipients.stream().noneMatch(r -> r.mailbox().equals(to.mailbox()))) {
                    transaction.recipients.add(to);
                }
                yield respond(Replies.RECIPIENT_OK);
            }
            case Verdict.Reject(Reply reply) -> {
                transaction.refusedRecipient = true;
                yield respond(reply);
            }
        };
    }

    private Step data() {
        Optional<Reply> refusal = contentRefusal();
        if (refusal.isPresent()) return respond(refusal.get());
        // RFC 3030 §2: DATA and BDAT may not be mixed in one transaction.
        if (transaction.chunked) return respond(Replies.DATA_AFTER_BDAT);
        phase = Phase.DATA;
        return Step.reply(Replies.START_DATA, new Next.ReadData(settings.maxMessageSize()));
    }

    /** RFC 3030 §2, §3: every BDAT chunk is read, even when the command is refused. */
    private Step bdat(long size, boolean last) {
        Optional<Reply> refusal = contentRefusal();
        if (refusal.isPresent()) return discard(size, refusal.get());
        long remaining = settings.maxMessageSize() - transaction.chunkOctets;
        if (size > remaining) {
            transaction = null; // RFC 1870 §6.3 / RFC 3030 §2: the message is refused, the transaction ends
            return discard(size, Replies.TOO_BIG);
        }
        transaction.chunked = true;
        transaction.chunkOctets += size;
        phase = last ? Phase.LAST_CHUNK : Phase.CHUNK;
        return Step.silent(new Next.ReadChunk(size, last, remaining));
    }

    /** Why DATA/BDAT cannot start now (RFC 5321 §4.1.4; §3.3: 554 when every RCPT was refused). */
    private Optional<Reply> contentRefusal() {
        if (transaction == null) return Optional.of(Replies.NEED_MAIL);
        if (transaction.recipients.isEmpty()) {
            return Optional.of(transaction.refusedRecipient ? Replies.NO_VALID_RECIPIENTS : Replies.NEED_RCPT);
        }
        return Optional.empty();
    }

    private Step discard(long size, Reply reply) {
        // Past the error limit the connection closes, so the chunk need not be read.
        if (++errors > settings.maxErrors()) return close(Replies.TOO_MANY_ERRORS);
        return Step.silent(new Next.DiscardChunk(size, reply));
    }

    /** Sends a reply to a command, counting errors and closing on 421 or past the error limit. */
    private Step respond(Reply reply) {
        if (reply.code() == 421) return close(reply);
        if (reply.isError() && ++errors > settings.maxErrors()) return close(Replies.TOO_MANY_ERRORS);
        return Step.reply(reply);
    }

    private Step close(Reply reply) {
        phase = Phase.CLOSED;
        transaction = null;
        return Step.reply(reply, Next.CLOSE);
    }

    /** RFC 3848 and RFC 6531 §3.7.3: the "with" protocol of the Received: field. */
    private String protocol() {
        if (transaction.options.smtpUtf8()) return "UTF8SMTP";
        return extended ? "ESMTP" : "SMTP";
    }

    private static void require(boolean condition, String what) {
        if (!condition) throw new IllegalStateException("SMTP session used out of order: " + what);
    }

    /** One mail transaction (RFC 5321 §3.3): MAIL, its RCPTs, and the chunks received so far. */
    private static final class Transaction {
        final ReversePath from;
        final MailOptions options;
        final List<Recipient> recipients = new ArrayList<>();
        boolean refusedRecipient;
        boolean chunked;
        long chunkOctets;

        Transaction(ReversePath from, MailOptions options) {
            this.from = from;
            this.options = options;
        }
    }
}
