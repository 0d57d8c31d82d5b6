package dev.tern.server.auth;

import dev.tern.mail.EnhancedStatus;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import dev.tern.mailauth.HeaderField;
import dev.tern.milter.ConnectInfo;
import dev.tern.milter.HeaderChange;
import dev.tern.milter.HeaderSection;
import dev.tern.milter.MilterChain;
import dev.tern.milter.MilterClient;
import dev.tern.milter.MilterOutcome;
import dev.tern.milter.SmtpReply;
import dev.tern.milter.Verdict;
import dev.tern.server.MessageInspector;
import dev.tern.smtp.Reply;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mail filters of each message: one milter conversation per message (connect, HELO, MAIL, RCPT for each
 * recipient, the header fields as received, the body as it streams, end of message), whose verdict and header
 * changes apply at the end of the data. Postfix keeps one conversation per SMTP connection; one per message costs a
 * connect and a negotiation more, and keeps each message's filtering independent (docs/trust.md).
 *
 * <p>A filter's refusal of one recipient refuses the message: after DATA the SMTP reply is for all of them.
 */
final class Milters {
    private static final Logger log = LoggerFactory.getLogger(Milters.class);

    private final List<MilterClient> clients;
    private final String hostname;

    Milters(List<MilterClient> clients, String hostname) {
        this.clients = List.copyOf(clients);
        this.hostname = hostname;
    }

    Run begin(MessageInspector.MessageFacts facts, List<HeaderField> headers) {
        if (clients.isEmpty()) return Run.NONE;
        return new Conversation(facts, headers);
    }

    /** What the filters said of a message. */
    sealed interface Result {
        /** Refused or discarded. */
        record Stop(MessageInspector.Decision decision) implements Result {}

        /** Taken, with the filters' header changes and quarantine. */
        record Pass(List<HeaderChange> changes, boolean quarantine) implements Result {
            /** The header fields after the changes; fields the filters left alone keep their octets. */
            List<HeaderField> apply(List<HeaderField> fields) {
                if (changes.isEmpty()) return fields;
                Map<HeaderSection.Field, HeaderField> originals = new IdentityHashMap<>();
                List<HeaderSection.Field> mapped = new ArrayList<>();
                List<HeaderField> unnamed = new ArrayList<>();
                for (HeaderField field : fields) {
                    if (!HeaderChange.validName(field.name())) {
                        unnamed.add(field); // a malformed line: kept, after the fields a filter may change
                        continue;
                    }
                    var m = new HeaderSection.Field(field.name(), field.rawLatin1() + "\r\n");
                    originals.put(m, field);
                    mapped.add(m);
                }
                List<HeaderField> out = new ArrayList<>();
                for (HeaderSection.Field m : new HeaderSection(mapped).apply(changes).fields()) {
                    HeaderField original = originals.get(m);
                    if (original != null) {
                        out.add(original);
                    } else {
                        String raw = m.raw().endsWith("\r\n") ? m.raw().substring(0, m.raw().length() - 2) : m.raw();
                        out.add(new HeaderField(m.name(), raw.getBytes(StandardCharsets.UTF_8)));
                    }
                }
                out.addAll(unnamed);
                return out;
            }
        }
    }

    /** The filters' part in one message. */
    interface Run {
        Run NONE = new Run() {
            @Override
            public void body(byte[] buffer, int offset, int length) {}

            @Override
            public Result finish() {
                return new Result.Pass(List.of(), false);
            }

            @Override
            public void abandon() {}
        };

        void body(byte[] buffer, int offset, int length);

        Result finish();

        void abandon();
    }

    private final class Conversation implements Run {
        private final MessageInspector.MessageFacts facts;
        private final MilterChain chain;
        private Verdict early = Verdict.CONTINUE; // a verdict before the end of the message
        private boolean closed;

        Conversation(MessageInspector.MessageFacts facts, List<HeaderField> headers) {
            this.facts = facts;
            String address = facts.client().getHostAddress();
            var family = facts.client() instanceof Inet6Address ? ConnectInfo.Family.INET6 : ConnectInfo.Family.INET4;
            Map<String, String> connectMacros = Map.of("j", hostname, "{daemon_name}", "tern", "_",
                    "[" + address + "]", "{client_addr}", address, "{client_name}", "[" + address + "]");
            this.chain = MilterChain.open(clients, new ConnectInfo("[" + address + "]", family, address, 0,
                    connectMacros), facts.connection());
            step(chain.connect());
            step(chain.helo(facts.helo(), Map.of()));
            String from = facts.reversePath() instanceof ReversePath.Sender s ? s.mailbox().toString() : "";
            Map<String, String> mailMacros = new java.util.HashMap<>(Map.of("{mail_addr}", from));
            facts.authenticatedUser().ifPresent(user -> mailMacros.put("{auth_authen}", user));
            step(chain.mail("<" + from + ">", List.of(), mailMacros));
            for (Recipient rcpt : facts.recipients()) {
                step(chain.rcpt("<" + rcpt.mailbox() + ">", List.of(), Map.of("{rcpt_addr}", rcpt.mailbox().toString())));
            }
            step(chain.data(Map.of("{i}", facts.id().value())));
            for (HeaderField field : headers) {
                if (HeaderChange.validName(field.name())) step(chain.header(field.name(), valueAfterColon(field)));
            }
            step(chain.endOfHeaders(Map.of("{i}", facts.id().value())));
        }

        private static String valueAfterColon(HeaderField field) {
            String raw = new String(field.raw(), StandardCharsets.UTF_8);
            int colon = raw.indexOf(':');
            return colon < 0 ? "" : raw.substring(colon + 1);
        }

        /** Records a verdict given before the end: the first that is not "continue" decides. */
        private void step(Verdict verdict) {
            if (early instanceof Verdict.Continue && !(verdict instanceof Verdict.Continue)) early = verdict;
        }

        @Override
        public void body(byte[] buffer, int offset, int length) {
            if (early instanceof Verdict.Continue) step(chain.body(buffer, offset, length));
        }

        @Override
        public Result finish() {
            try {
                return switch (early) {
                    case Verdict.Continue c -> outcome(chain.endOfMessage(Map.of("{i}", facts.id().value())));
                    case Verdict.Accept a -> new Result.Pass(List.of(), false);
                    default -> verdict(early, List.of(), false);
                };
            } finally {
                close();
            }
        }

        private Result outcome(MilterOutcome outcome) {
            return verdict(outcome.verdict(), outcome.headerChanges(), outcome.quarantine().isPresent());
        }

        private Result verdict(Verdict verdict, List<HeaderChange> changes, boolean quarantine) {
            return switch (verdict) {
                case Verdict.Reject r -> stop(new MessageInspector.Decision.Refuse(reply(r.reply())));
                case Verdict.Tempfail t -> stop(new MessageInspector.Decision.Refuse(reply(t.reply())));
                case Verdict.Discard d -> stop(new MessageInspector.Decision.Discard("a mail filter discarded it"));
                case Verdict.Accept a -> new Result.Pass(changes, quarantine);
                case Verdict.Continue c -> new Result.Pass(changes, quarantine);
            };
        }

        private Result stop(MessageInspector.Decision decision) {
            log.info("conn={} id={} mail filter: {}", facts.connection(), facts.id(), decision);
            return new Result.Stop(decision);
        }

        @Override
        public void abandon() {
            if (closed) return;
            chain.abort();
            close();
        }

        private void close() {
            if (closed) return;
            closed = true;
            chain.close();
        }
    }

    private static Reply reply(SmtpReply reply) {
        return new Reply(reply.code(), EnhancedStatus.parse(reply.status()), reply.lines());
    }
}
