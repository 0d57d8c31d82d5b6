package dev.tern.milter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Several filters in order, as Postfix's {@code smtpd_milters}: one {@link MilterSession} each, for one SMTP
 * connection, with the same calls. At each stage the filters are asked in order; the first {@code Reject},
 * {@code Tempfail} or {@code Discard} answers and the later filters are not asked. A filter's {@code Accept} ends
 * only that filter's part (for the message, or the connection); the chain answers {@code Accept} when every filter
 * has. At end of message the header changes accumulate in filter order, and the first quarantine reason holds.
 *
 * <p>Not thread-safe: the SMTP connection's own thread makes every call.
 */
public final class MilterChain implements AutoCloseable {
    private final List<MilterSession> sessions;

    private MilterChain(List<MilterSession> sessions) {
        this.sessions = List.copyOf(sessions);
    }

    /** Opens a session to each filter (a filter that is down gives one answering its default). */
    public static MilterChain open(List<MilterClient> filters, ConnectInfo info, String logId) {
        List<MilterSession> sessions = new ArrayList<>(filters.size());
        for (MilterClient filter : filters) sessions.add(filter.open(info, logId));
        return new MilterChain(sessions);
    }

    public Verdict connect() {
        return each(MilterSession::connect);
    }

    public Verdict helo(String domain, Map<String, String> macros) {
        return each(s -> s.helo(domain, macros));
    }

    public Verdict mail(String reversePath, List<String> esmtpArgs, Map<String, String> macros) {
        return each(s -> s.mail(reversePath, esmtpArgs, macros));
    }

    public Verdict rcpt(String forwardPath, List<String> esmtpArgs, Map<String, String> macros) {
        return each(s -> s.rcpt(forwardPath, esmtpArgs, macros));
    }

    public Verdict data(Map<String, String> macros) {
        return each(s -> s.data(macros));
    }

    public Verdict header(String name, String value) {
        return each(s -> s.header(name, value));
    }

    public Verdict endOfHeaders(Map<String, String> macros) {
        return each(s -> s.endOfHeaders(macros));
    }

    public Verdict body(byte[] bytes, int offset, int length) {
        return each(s -> s.body(bytes, offset, length));
    }

    public MilterOutcome endOfMessage(Map<String, String> macros) {
        List<HeaderChange> changes = new ArrayList<>();
        String quarantine = "";
        for (int i = 0; i < sessions.size(); i++) {
            MilterOutcome outcome = sessions.get(i).endOfMessage(macros);
            if (!(outcome.verdict() instanceof Verdict.Accept)) {
                // The later filters will not see this message's end: tell them it is over.
                for (int j = i + 1; j < sessions.size(); j++) sessions.get(j).abort();
                return outcome;
            }
            changes.addAll(outcome.headerChanges());
            if (quarantine.isEmpty()) quarantine = outcome.quarantineReason();
        }
        return new MilterOutcome(Verdict.ACCEPT, changes, quarantine);
    }

    public void abort() {
        sessions.forEach(MilterSession::abort);
    }

    /** Whether any filter failed and answers its default action. */
    public boolean failed() {
        return sessions.stream().anyMatch(MilterSession::failed);
    }

    @Override
    public void close() {
        sessions.forEach(MilterSession::close);
    }

    private interface Stage {
        Verdict ask(MilterSession session);
    }

    private Verdict each(Stage stage) {
        boolean allAccepted = true;
        for (MilterSession session : sessions) {
            Verdict v = stage.ask(session);
            switch (v) {
                case Verdict.Continue c -> allAccepted = false;
                case Verdict.Accept a -> { } // this filter is done; the others still decide
                case Verdict.Reject r -> {
                    return v;
                }
                case Verdict.Tempfail t -> {
                    return v;
                }
                case Verdict.Discard d -> {
                    return v;
                }
            }
        }
        return allAccepted && !sessions.isEmpty() ? Verdict.ACCEPT : Verdict.CONTINUE;
    }
}
