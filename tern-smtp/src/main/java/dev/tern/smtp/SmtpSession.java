package dev.tern.smtp;

import dev.tern.sasl.ChannelBinding;
import dev.tern.sasl.Credentials;
import dev.tern.mail.Domain;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Mailbox;
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
 * {@link Next.ReadData} or {@link Next.ReadChunk}, the caller reads the content into the sink the step names
 * and calls {@link #contentEnded()}. The session owns the transaction's content from the first octet: it opens
 * it from the {@link ContentStage}, stores it at the end of data, and discards it when the transaction is
 * abandoned; the caller calls {@link #end()} when the connection ends. After {@link Next.StartTls} it makes
 * the TLS handshake and calls
 * {@link #tlsStarted(ChannelBinding)} (an implicit TLS listener calls {@link #implicitTlsStarted(ChannelBinding)}
 * before the greeting); after
 * {@link Next.ReadAuthResponse} it reads one line and calls {@link #authResponse} (or {@link #authLineTooLong()}).
 * A call out of this order is a bug in the caller: {@link IllegalStateException}.
 *
 * <p>Security, from the {@link SecurityProfile}: STARTTLS (RFC 3207), implicit TLS (RFC 8314), AUTH (RFC 4954)
 * with the SASL mechanisms of {@code dev.tern.smtp.sasl}, and AUTH before MAIL on submission (RFC 6409).
 * Credentials never appear in a reply.
 *
 * <p>Limits, all from {@link SessionSettings}:
 * <ul>
 * <li>Transactions: each accepted MAIL counts, so MAIL/RSET loops are bounded too. A MAIL after
 *     {@code maxMessages} gets {@code 451 4.7.0} (counted as an error): the connection stays open, so a
 *     pipelined batch is answered in full, and the client sends the rest over a new connection.
 * <li>Errors: every 4yz/5yz reply to a command counts (syntax, order, refused recipients, so address probing
 *     is bounded), except {@code 452 4.5.3} for recipients over the limit, which RFC 5321 §4.5.3.1.10 makes a
 *     normal part of a large delivery. The error after {@code maxErrors} is answered {@code 421 4.7.0 Too many
 *     errors} and the connection closes. Replies to message content are not counted.
 * <li>Any 421 reply, including one from the policy or the content stage, closes the connection
 *     (RFC 5321 §3.8).
 * </ul>
 */
public final class SmtpSession {
    private enum Phase { COMMAND, DATA, CHUNK, LAST_CHUNK, AUTH, TLS_HANDSHAKE, CLOSED }

    // Whatever InetAddress.getHostAddress() gives: IPv4, IPv6, an IPv6 zone.
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.:%_-]{1,64}");

    private final SessionSettings settings;
    private final RecipientPolicy policy;
    private final String addressLiteral;
    private final CommandParser parser;
    private final SessionSecurity security;
    private final ContentStage contentStage;
    private Phase phase = Phase.COMMAND;
    private Domain helo;
    private boolean extended;
    private Transaction transaction;
    private int messages;
    private int errors;

    /**
     * {@code clientAddress} is the peer's IP address as {@code InetAddress.getHostAddress()} writes it; it goes
     * into the Received: field. {@code settings.hostname()} must be a valid domain name. The session is secured
     * as {@code security} says (STARTTLS, implicit TLS, AUTH: RFC 3207, RFC 8314, RFC 4954) and hands message
     * content to {@code contentStage}.
     */
    public SmtpSession(SessionSettings settings, RecipientPolicy policy, String clientAddress, SecurityProfile security,
                       ContentStage contentStage) {
        if (settings == null || policy == null || security == null || contentStage == null) {
            throw new IllegalArgumentException("settings, policy, security and content stage are required");
        }
        if (clientAddress == null || !ADDRESS.matcher(clientAddress).matches()) {
            throw new IllegalArgumentException("client address must be a numeric IP address");
        }
        this.settings = settings;
        this.policy = policy;
        // RFC 5321 §4.1.3: IPv6 address literals carry the "IPv6:" tag.
        this.addressLiteral = clientAddress.indexOf(':') >= 0 ? "[IPv6:" + clientAddress + "]" : "[" + clientAddress + "]";
        this.parser = new CommandParser(Domain.parse(settings.hostname()));
        this.security = new SessionSecurity(security);
        this.contentStage = contentStage;
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
                endTransaction(); // RFC 5321 §4.1.1.5
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
            case Command.StartTls() -> startTls();
            case Command.Auth(String arguments) ->
                    authStep(security.auth(arguments, helo != null && extended, transaction != null));
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

    /**
     * The caller has read what the last {@link Next.ReadData} or {@link Next.ReadChunk} asked for. A non-last
     * chunk is acknowledged; at the end of the data the protocol's checks (size, line length, bare CR/LF) are
     * applied and the content is stored: {@code 250 2.0.0} with the queue id once it is durable, or the refusal.
     */
    public Step contentEnded() {
        require(phase == Phase.DATA || phase == Phase.CHUNK || phase == Phase.LAST_CHUNK, "no message content was expected");
        if (phase == Phase.CHUNK) {
            phase = Phase.COMMAND;
            return Step.reply(Reply.of(250, "2.0.0", transaction.chunkOctets + " octets received"));
        }
        Optional<Reply> failure = transaction.chunked() ? transaction.chunks.failure() : transaction.decoder.failure();
        if (failure.isPresent()) return contentRefused(failure.get());
        return switch (transaction.content.store(envelope())) {
            case ContentStage.Stored.Queued(QueueId id) -> {
                transaction = null; // stored: nothing to discard
                phase = Phase.COMMAND;
                yield Step.reply(Reply.of(250, "2.0.0", "Ok: queued as " + id.value()));
            }
            case ContentStage.Stored.Refused(Reply reply) -> contentRefused(reply);
        };
    }

    /** The connection is ending: a message not yet stored is discarded. Idempotent. */
    public void end() {
        endTransaction();
        phase = Phase.CLOSED;
    }

    /** The caller read a command line longer than allowed: 500 5.5.2, counted as an error. */
    public Step lineTooLong() {
        require(phase == Phase.COMMAND, "a command line while content is expected");
        return respond(Replies.LINE_TOO_LONG);
    }

    /** The content was refused (size, loop, smuggling, storage failure): that reply, transaction reset. */
    private Step contentRefused(Reply reply) {
        endTransaction();
        phase = Phase.COMMAND;
        return reply.code() == 421 ? close(reply) : Step.reply(reply);
    }

    /** The idle timeout expired: 421 4.4.2 and close (RFC 5321 §4.5.3.2). */
    public Step timeout() {
        return close(Reply.of(421, "4.4.2", settings.hostname() + " Timeout, closing connection"));
    }

    /** The server is stopping: 421 4.3.2 and close. */
    public Step shuttingDown() {
        return close(Reply.of(421, "4.3.2", settings.hostname() + " Service shutting down, closing connection"));
    }

    /**
     * The TLS handshake after {@link Next.StartTls} succeeded. RFC 3207 §4.2: everything learnt before it is
     * forgotten: no HELO/EHLO, no transaction, no authentication. The counters of messages and errors stay.
     */
    public Step tlsStarted() {
        return tlsStarted(ChannelBinding.NONE);
    }

    /**
     * As {@link #tlsStarted()}, on a TLS connection with {@code binding}: with a {@link ChannelBinding.TlsExporter}
     * (RFC 9266; TLS 1.3) EHLO offers SCRAM-SHA-256-PLUS too.
     */
    public Step tlsStarted(ChannelBinding binding) {
        if (binding == null) throw new IllegalArgumentException("binding is required; ChannelBinding.NONE for none");
        require(phase == Phase.TLS_HANDSHAKE, "TLS started without STARTTLS");
        phase = Phase.COMMAND;
        security.tlsStarted(binding);
        helo = null;
        extended = false;
        endTransaction();
        return Step.silent(Next.COMMAND);
    }

    /**
     * On an implicit TLS listener (RFC 8314 §3.3), the handshake before the greeting gave {@code binding}; call
     * before {@link #greeting()}. Without this call the session has no channel binding.
     */
    public void implicitTlsStarted(ChannelBinding binding) {
        if (binding == null) throw new IllegalArgumentException("binding is required; ChannelBinding.NONE for none");
        require(phase == Phase.COMMAND && helo == null && messages == 0 && errors == 0, "implicit TLS after the session began");
        security.implicitTlsStarted(binding);
    }

    /** One line of an AUTH exchange (RFC 4954 §4), after a {@link Next.ReadAuthResponse}; never logged. */
    public Step authResponse(String line) {
        require(phase == Phase.AUTH, "an AUTH response without a challenge");
        return authStep(security.respond(line));
    }

    /** RFC 4954 §6: a response line over the limit ends the exchange with 500 5.5.6. */
    public Step authLineTooLong() {
        require(phase == Phase.AUTH, "an AUTH response without a challenge");
        return authStep(security.lineTooLong());
    }

    /** Who the client authenticated as (RFC 4954), if it did in the current TLS state. */
    public Optional<String> authenticatedUser() {
        return security.user();
    }

    /** RFC 5321 §4.1.1.1: HELO/EHLO; §4.1.4: it also resets any transaction. */
    private Step hello(Domain client, boolean ehlo) {
        helo = client;
        extended = ehlo;
        endTransaction();
        // RFC 2034 §3: replies to HELO and EHLO carry no enhanced status code.
        if (!ehlo) return Step.reply(Reply.plain(250, List.of(settings.hostname())));
        List<String> lines = new ArrayList<>(List.of(settings.hostname(),
                "SIZE " + settings.maxMessageSize(),  // RFC 1870
                "PIPELINING",                         // RFC 2920
                "8BITMIME",                           // RFC 6152
                "ENHANCEDSTATUSCODES",                // RFC 2034
                "SMTPUTF8",                           // RFC 6531
                "CHUNKING",                           // RFC 3030
                "DSN"));                              // RFC 3461
        security.advertise(lines);                                      // RFC 3207, RFC 4954
        if (security.tlsActive()) lines.add("REQUIRETLS");              // RFC 8689 §4: only over TLS
        lines.add("HELP");                                              // RFC 5321 §4.1.1.8
        return Step.reply(Reply.plain(250, lines));
    }

    /** RFC 3207 §4: 220, then the caller makes the handshake and calls {@link #tlsStarted()}. */
    private Step startTls() {
        Optional<Reply> refusal = security.startTlsRefusal(transaction != null);
        if (refusal.isPresent()) return respond(refusal.get());
        phase = Phase.TLS_HANDSHAKE;
        return Step.reply(Replies.READY_FOR_TLS, Next.START_TLS);
    }

    /** RFC 4954 §4: a 334 challenge keeps the exchange going; anything else ends it and is a command's reply. */
    private Step authStep(AuthExchange.Outcome outcome) {
        phase = outcome instanceof AuthExchange.Outcome.Continue ? Phase.AUTH : Phase.COMMAND;
        return switch (outcome) {
            case AuthExchange.Outcome.Continue(Reply challenge) -> Step.reply(challenge, Next.AUTH_RESPONSE);
            case AuthExchange.Outcome.Authenticated _ -> respond(Replies.AUTHENTICATED);
            case AuthExchange.Outcome.Failed(Reply reply) -> respond(reply);
        };
    }

    private Step mail(ReversePath from, MailOptions options) {
        // RFC 5321 §4.1.4: a session must be opened with HELO/EHLO before MAIL.
        if (helo == null) return respond(Replies.HELO_FIRST);
        // RFC 5321 §4.1.4: MAIL may not be sent while a transaction is open.
        if (transaction != null) return respond(Replies.NESTED_MAIL);
        // RFC 4954 §6 and RFC 6409 §4.3: submission needs AUTH before MAIL.
        if (!security.mailAllowed()) return respond(Replies.AUTH_REQUIRED);
        if (messages >= settings.maxMessages()) return respond(Replies.TOO_MANY_MESSAGES);
        // RFC 1870 §6.1: a declared size over the fixed maximum is 552 at MAIL.
        if (options.declaredSize() > settings.maxMessageSize()) return respond(Replies.TOO_BIG);
        Optional<Reply> requireTls = requireTlsRefusal(options);
        if (requireTls.isPresent()) return respond(requireTls.get());
        if (policy.sender(from, authenticatedUser()) instanceof Verdict.Reject(Reply reply)) return respond(reply);
        messages++;
        transaction = new Transaction(from, options);
        return respond(Replies.SENDER_OK);
    }

    /**
     * RFC 8689 §4: REQUIRETLS is offered only in a TLS session and may only be used in one: without TLS 530
     * 5.7.10 (encryption needed); over TLS after HELO, where no extension was offered, 555 5.5.4 (RFC 5321
     * §4.1.1.11, a parameter not advertised).
     */
    private Optional<Reply> requireTlsRefusal(MailOptions options) {
        if (!options.requireTls()) return Optional.empty();
        if (!security.tlsActive()) return Optional.of(Replies.REQUIRETLS_NEEDS_TLS);
        if (!extended) return Optional.of(Replies.UNKNOWN_PARAMETER);
        return Optional.empty();
    }

    private Step rcpt(Recipient to) {
        // RFC 5321 §4.1.4: RCPT needs a MAIL first.
        if (transaction == null) return respond(Replies.NEED_MAIL);
        // RFC 5321 §4.5.3.1.10: 452 over the limit; the client sends the rest in another transaction.
        if (transaction.recipients.size() >= settings.maxRecipients()) return Step.reply(Replies.TOO_MANY_RECIPIENTS);
        return switch (policy.recipient(transaction.from, to.mailbox(), authenticatedUser())) {
            case Verdict.Accept() -> accepted(to);
            // RFC 3461 §4.2: the address the client gave travels on as the ORCPT.
            case Verdict.AcceptAs(Mailbox deliverTo) -> accepted(new Recipient(deliverTo, to.notifyOn(),
                    to.orcpt().isEmpty() ? "rfc822;" + to.mailbox() : to.orcpt()));
            case Verdict.Reject(Reply reply) -> {
                transaction.refusedRecipient = true;
                yield respond(reply);
            }
        };
    }

    private Step accepted(Recipient to) {
        // The same mailbox twice is one delivery; the first RCPT's DSN parameters stand.
        if (transaction.recipients.stream().noneMatch(r -> r.mailbox().equals(to.mailbox()))) {
            transaction.recipients.add(to);
        }
        return respond(Replies.RECIPIENT_OK);
    }

    private Step data() {
        Optional<Reply> refusal = contentRefusal();
        if (refusal.isPresent()) return respond(refusal.get());
        // RFC 3030 §2: DATA and BDAT may not be mixed in one transaction.
        if (transaction.chunked()) return respond(Replies.DATA_AFTER_BDAT);
        phase = Phase.DATA;
        transaction.decoder = new DotDecoder(settings.maxMessageSize(), settings.maxTextLine() - 2);
        transaction.content = openContent();
        return Step.reply(Replies.START_DATA, new Next.ReadData(transaction.decoder, transaction.content));
    }

    /** RFC 3030 §2, §3: every BDAT chunk is read, even when the command is refused. */
    private Step bdat(long size, boolean last) {
        Optional<Reply> refusal = contentRefusal();
        if (refusal.isPresent()) return discard(size, refusal.get());
        if (size > settings.maxMessageSize() - transaction.chunkOctets) {
            endTransaction(); // RFC 1870 §6.3 / RFC 3030 §2: the message is refused, the transaction ends
            return discard(size, Replies.TOO_BIG);
        }
        if (!transaction.chunked()) {
            transaction.content = openContent();
            transaction.chunks = new LineCheck(transaction.content, settings.maxTextLine() - 2);
        }
        transaction.chunkOctets += size;
        phase = last ? Phase.LAST_CHUNK : Phase.CHUNK;
        return Step.silent(new Next.ReadChunk(size, transaction.chunks));
    }

    private ContentStage.Content openContent() {
        return contentStage.open(new ContentStage.Opening(authenticatedUser(), helo == null ? "" : helo.toString(),
                security.tls(), transaction.from, transaction.recipients, this::receivedHeader));
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
        endTransaction();
        return Step.reply(reply, Next.CLOSE);
    }

    /** The one place a transaction ends without its message being stored: its content goes with it. */
    private void endTransaction() {
        if (transaction != null) transaction.abandon();
        transaction = null;
    }

    /** RFC 3848 and RFC 6531 §3.7.3: the "with" protocol of the Received: field: ESMTP, ESMTPS, UTF8SMTPSA ... */
    private String protocol() {
        if (!extended) return "SMTP";
        return (transaction.options.smtpUtf8() ? "UTF8SMTP" : "ESMTP") + security.protocolSuffix();
    }

    private static void require(boolean condition, String what) {
        if (!condition) throw new IllegalStateException("SMTP session used out of order: " + what);
    }
}
