package dev.tern.milter;

import static dev.tern.milter.MilterProtocol.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP connection's conversation with one filter, after option negotiation: {@link #connect} and
 * {@link #helo} once, then per transaction {@link #mail}, {@link #rcpt}..., {@link #data}, {@link #header}...,
 * {@link #endOfHeaders}, {@link #body}..., {@link #endOfMessage} (or {@link #abort} on RSET), and {@link #close}
 * at the end of the SMTP connection.
 *
 * <p>No call throws for anything the filter does, and none waits longer than the settings' timeouts. When the
 * filter cannot be reached, times out, closes, or breaks the protocol, the session turns {@link #failed()}: it
 * logs that once, drops the connection, and every later call answers the settings' default action. Steps the
 * filter asked to skip ({@code SMFIP_NO*}) are not sent and answer {@code Continue}; steps it said it will not
 * answer ({@code SMFIP_NR_*}) are sent and answer {@code Continue}.
 *
 * <p>Not thread-safe: the SMTP connection's own thread makes every call.
 */
public final class MilterSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MilterSession.class);

    /** How far a verdict reaches (see {@link Verdict}). */
    private enum Scope { CONNECTION, HELO, RECIPIENT, MESSAGE, BODY }

    private final MilterSettings settings;
    private final ConnectInfo info;
    private final String logId;
    private MilterConnection connection;
    private int actions;
    private int protocol;
    private Map<Byte, Set<String>> macroLists = Map.of();
    private boolean failed;
    private Verdict connectionVerdict;
    private Verdict messageVerdict;
    private boolean inMessage;
    private boolean skipBody;

    private MilterSession(MilterSettings settings, ConnectInfo info, String logId) {
        this.settings = settings;
        this.info = info;
        this.logId = logId;
    }

    static MilterSession open(MilterSettings settings, ConnectInfo info, String logId) {
        MilterSession session = new MilterSession(settings, info, logId);
        try {
            session.connection = MilterConnection.open(settings.address(), settings.connectTimeout(), settings.name());
            session.negotiate();
        } catch (IOException | MilterConnection.Fault e) {
            session.fail("option negotiation", e);
        }
        return session;
    }

    private void negotiate() throws IOException, MilterConnection.Fault {
        connection.send(MilterPacket.optionNegotiation(VERSION, OFFERED_ACTIONS, OFFERED_PROTOCOL), settings.commandTimeout());
        FilterResponse response = FilterResponse.decode(connection.receive(settings.commandTimeout(), MAX_REPLY_LENGTH));
        if (!(response instanceof FilterResponse.Negotiate n)) throw new MilterConnection.Fault("expected option negotiation, got " + response);
        if (n.version() < MIN_VERSION || n.version() > VERSION) throw new MilterConnection.Fault("unsupported protocol version " + n.version());
        if ((n.protocol() & ~OFFERED_PROTOCOL) != 0) {
            // Steps we cannot leave out (or replies we would wait for in vain): talking on would go wrong.
            throw new MilterConnection.Fault(String.format("filter asks for protocol options 0x%x not offered", n.protocol() & ~OFFERED_PROTOCOL));
        }
        if ((n.actions() & ~OFFERED_ACTIONS) != 0) {
            log.debug("{} milter {}: actions 0x{} not offered, ignored", logId, settings.name(), Integer.toHexString(n.actions() & ~OFFERED_ACTIONS));
        }
        actions = n.actions() & OFFERED_ACTIONS;
        protocol = n.protocol();
        if ((actions & F_SETSYMLIST) != 0) {
            Map<Byte, Set<String>> lists = new LinkedHashMap<>();
            n.macros().forEach((stage, names) -> lists.put(stage, Set.copyOf(names.stream().map(MilterSession::bare).toList())));
            macroLists = Map.copyOf(lists);
        }
        log.debug("{} milter {}: negotiated version {} actions 0x{} protocol 0x{}", logId, settings.name(), n.version(),
                Integer.toHexString(actions), Integer.toHexString(protocol));
    }

    /** SMFIC_CONNECT with the {@link ConnectInfo} and its macros. Any non-continue verdict holds for the connection. */
    public Verdict connect() {
        return stage(Scope.CONNECTION, P_NOCONNECT, P_NR_CONN, CONNECT, info.macros(), MilterPacket.connect(info));
    }

    /** SMFIC_HELO; may come again (after STARTTLS). Accept and discard hold for the connection. */
    public Verdict helo(String domain, Map<String, String> macros) {
        return stage(Scope.HELO, P_NOHELO, P_NR_HELO, HELO, macros, MilterPacket.strings(HELO, List.of(domain)));
    }

    /**
     * SMFIC_MAIL: starts a transaction (ending one still open with SMFIC_ABORT first).
     *
     * @param reversePath the address without angle brackets, empty for the null path
     * @param esmtpArgs the MAIL parameters as sent ({@code SIZE=1000}, {@code BODY=8BITMIME})
     * @param macros {@code {mail_addr}}, {@code {auth_authen}}, ...
     */
    public Verdict mail(String reversePath, List<String> esmtpArgs, Map<String, String> macros) {
        Verdict held = held(Scope.CONNECTION);
        if (held != null) return held;
        if (inMessage) {
            try {
                sendAbort();
            } catch (IOException e) {
                return fail("abort", e);
            }
        }
        inMessage = true;
        return stage(Scope.MESSAGE, P_NOMAIL, P_NR_MAIL, MAIL, macros, envelope(MAIL, reversePath, esmtpArgs));
    }

    /** SMFIC_RCPT: reject and tempfail refuse this recipient only. */
    public Verdict rcpt(String forwardPath, List<String> esmtpArgs, Map<String, String> macros) {
        return stage(Scope.RECIPIENT, P_NORCPT, P_NR_RCPT, RCPT, macros, envelope(RCPT, forwardPath, esmtpArgs));
    }

    /** SMFIC_DATA, when the client sends DATA (or its first BDAT). */
    public Verdict data(Map<String, String> macros) {
        return stage(Scope.MESSAGE, P_NODATA, P_NR_DATA, DATA, macros, MilterPacket.empty(DATA));
    }

    /**
     * SMFIC_HEADER for one field of the final header section, in order.
     *
     * @param value what follows the colon, as received (folded lines keep their CRLF)
     */
    public Verdict header(String name, String value) {
        String v = value.endsWith("\r\n") ? value.substring(0, value.length() - 2) : value;
        // Without SMFIP_HDR_LEADSPC the filter gets the value without the whitespace after the colon, as from Sendmail.
        if ((protocol & P_HDR_LEADSPC) == 0) v = v.stripLeading();
        v = v.replace("\r\n", "\n");
        return stage(Scope.MESSAGE, P_NOHDRS, P_NR_HDR, (byte) 0, Map.of(), MilterPacket.strings(HEADER, List.of(name, v)));
    }

    public Verdict endOfHeaders(Map<String, String> macros) {
        return stage(Scope.MESSAGE, P_NOEOH, P_NR_EOH, EOH, macros, MilterPacket.empty(EOH));
    }

    /**
     * SMFIC_BODY, in chunks of at most 65535 bytes (CRLF line ends, as on the wire); nothing after SMFIR_SKIP.
     *
     * @throws IndexOutOfBoundsException when {@code offset} and {@code length} do not fit {@code bytes} (a caller's bug)
     */
    public Verdict body(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        Verdict held = held(Scope.BODY);
        if (held != null) return held;
        for (int pos = offset; pos < offset + length; pos += CHUNK_SIZE) {
            if (skipBody) return Verdict.CONTINUE;
            byte[] chunk = Arrays.copyOfRange(bytes, pos, Math.min(pos + CHUNK_SIZE, offset + length));
            Verdict v = stage(Scope.BODY, P_NOBODY, P_NR_BODY, (byte) 0, Map.of(), new MilterPacket(BODY, chunk));
            if (!(v instanceof Verdict.Continue)) return v;
        }
        return Verdict.CONTINUE;
    }

    /** SMFIC_BODYEOB: the filter's final verdict and, when it accepts, its header changes and quarantine. */
    public MilterOutcome endOfMessage(Map<String, String> macros) {
        Verdict held = held(Scope.MESSAGE);
        if (held != null) {
            abort();
            return MilterOutcome.of(held);
        }
        try {
            sendMacros(BODYEOB, macros);
            connection.send(MilterPacket.empty(BODYEOB), settings.commandTimeout());
            EndOfMessage.Result result = new EndOfMessage(settings, actions).collect(connection);
            MilterOutcome outcome = result.outcome();
            inMessage = false;
            if (result.shutdown()) connectionVerdict = Verdict.TEMPFAIL;
            log.debug("{} milter {}: end of message: {}", logId, settings.name(), outcome);
            return outcome;
        } catch (IOException | MilterConnection.Fault e) {
            return MilterOutcome.of(fail("end of message", e));
        }
    }

    /** SMFIC_ABORT: the transaction ends without end of message (RSET, a refused MAIL, a lost client). */
    public void abort() {
        messageVerdict = null;
        skipBody = false;
        if (!inMessage || failed || connection == null) {
            inMessage = false;
            return;
        }
        try {
            sendAbort();
        } catch (IOException e) {
            fail("abort", e);
        }
    }

    /** Whether the filter failed and the default action now answers for it. */
    public boolean failed() {
        return failed;
    }

    /** SMFIC_QUIT and close; the session answers its default action afterwards. Idempotent. */
    @Override
    public void close() {
        if (connection == null) return;
        try {
            if (!failed) connection.send(MilterPacket.empty(QUIT), settings.commandTimeout());
        } catch (IOException e) {
            log.debug("{} milter {}: quit: {}", logId, settings.name(), e.toString());
        } finally {
            connection.close();
            connection = null;
        }
    }

    private Verdict stage(Scope scope, int skip, int noReply, byte macroStage, Map<String, String> macros, MilterPacket packet) {
        Verdict held = held(scope);
        if (held != null) return held;
        if ((protocol & skip) != 0) return Verdict.CONTINUE;
        try {
            if (macroStage != 0) sendMacros(macroStage, macros);
            connection.send(packet, settings.commandTimeout());
            if ((protocol & noReply) != 0) return Verdict.CONTINUE;
            return settle(scope, awaitReply(scope));
        } catch (IOException | MilterConnection.Fault e) {
            return fail(MilterProtocol.commandName(packet.command()), e);
        }
    }

    /** The verdict that answers without asking the filter, or null when the filter is to be asked. */
    private Verdict held(Scope scope) {
        if (failed || connection == null) return defaultVerdict();
        if (connectionVerdict != null) return connectionVerdict;
        if (scope != Scope.CONNECTION && scope != Scope.HELO && messageVerdict != null) return messageVerdict;
        return null;
    }

    private FilterResponse awaitReply(Scope scope) throws IOException, MilterConnection.Fault {
        for (int i = 0; i <= MAX_PROGRESS; i++) {
            FilterResponse response = FilterResponse.decode(connection.receive(settings.commandTimeout(), MAX_REPLY_LENGTH));
            if (response instanceof FilterResponse.Progress) continue;
            if (response instanceof FilterResponse.Skip && !(scope == Scope.BODY && (protocol & P_SKIP) != 0)) {
                throw new MilterConnection.Fault("skip outside the body or not negotiated");
            }
            return response;
        }
        throw new MilterConnection.Fault("too many progress replies");
    }

    private Verdict settle(Scope scope, FilterResponse response) throws MilterConnection.Fault {
        Verdict v = switch (response) {
            case FilterResponse.Continue c -> Verdict.CONTINUE;
            case FilterResponse.Skip s -> {
                skipBody = true;
                yield Verdict.CONTINUE;
            }
            case FilterResponse.Accept a -> Verdict.ACCEPT;
            case FilterResponse.Reject r -> Verdict.REJECT;
            case FilterResponse.Tempfail t -> Verdict.TEMPFAIL;
            case FilterResponse.Discard d -> Verdict.DISCARD;
            case FilterResponse.ReplyCode r -> r.reply().permanent() ? new Verdict.Reject(r.reply()) : new Verdict.Tempfail(r.reply());
            case FilterResponse.Shutdown s -> {
                connectionVerdict = Verdict.TEMPFAIL;
                yield Verdict.TEMPFAIL;
            }
            case FilterResponse.Progress p -> throw new MilterConnection.Fault("progress is not a verdict");
            case FilterResponse.Modification m -> throw new MilterConnection.Fault("header change before end of message");
            case FilterResponse.Quarantine q -> throw new MilterConnection.Fault("quarantine before end of message");
            case FilterResponse.Refused r -> throw new MilterConnection.Fault("action '" + r.command() + "' was refused in negotiation");
            case FilterResponse.Negotiate n -> throw new MilterConnection.Fault("option negotiation out of order");
            case FilterResponse.Malformed m -> throw new MilterConnection.Fault("malformed reply: " + m.reason());
        };
        if (v instanceof Verdict.Continue) return v;
        switch (scope) {
            case CONNECTION -> connectionVerdict = v;
            case HELO -> {
                if (v instanceof Verdict.Accept || v instanceof Verdict.Discard) connectionVerdict = v;
            }
            case RECIPIENT -> {
                if (v instanceof Verdict.Accept || v instanceof Verdict.Discard) messageVerdict = v;
            }
            case MESSAGE, BODY -> messageVerdict = v;
        }
        log.debug("{} milter {}: {}", logId, settings.name(), v);
        return v;
    }

    private void sendMacros(byte stage, Map<String, String> macros) throws IOException {
        Set<String> wanted = macroLists.get(stage);
        Map<String, String> send = new LinkedHashMap<>();
        macros.forEach((name, value) -> {
            if (wanted == null || wanted.contains(bare(name))) send.put(name, value);
        });
        if (!send.isEmpty()) connection.send(MilterPacket.macros(stage, send), settings.commandTimeout());
    }

    private void sendAbort() throws IOException {
        inMessage = false;
        messageVerdict = null;
        skipBody = false;
        connection.send(MilterPacket.empty(ABORT), settings.commandTimeout());
    }

    private Verdict fail(String stage, Exception e) {
        if (!failed) {
            failed = true;
            log.warn("{} milter {} ({}) failed at {}: {}; answering {} from now on", logId, settings.name(), settings.address(),
                    stage, e.getMessage() == null ? e.toString() : e.getMessage(), settings.defaultAction().name().toLowerCase(Locale.ROOT));
        }
        if (connection != null) {
            connection.close();
            connection = null;
        }
        return defaultVerdict();
    }

    private Verdict defaultVerdict() {
        return switch (settings.defaultAction()) {
            case TEMPFAIL -> Verdict.TEMPFAIL;
            case ACCEPT -> Verdict.ACCEPT;
        };
    }

    private static MilterPacket envelope(byte command, String path, List<String> args) {
        List<String> strings = new ArrayList<>(args.size() + 1);
        strings.add(path.startsWith("<") ? path : "<" + path + ">");
        strings.addAll(args);
        return MilterPacket.strings(command, strings);
    }

    /** A macro name without braces: a filter may list {@code {i}} or {@code i}. */
    private static String bare(String name) {
        return name.startsWith("{") && name.endsWith("}") ? name.substring(1, name.length() - 1) : name;
    }
}
