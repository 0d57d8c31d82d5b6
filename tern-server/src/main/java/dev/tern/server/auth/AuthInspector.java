package dev.tern.server.auth;

import dev.tern.mail.Envelope;
import dev.tern.mail.EnhancedStatus;
import dev.tern.mail.ReversePath;
import dev.tern.mailauth.HeaderField;
import dev.tern.mailauth.HeaderSection;
import dev.tern.mailauth.arc.ArcResult;
import dev.tern.mailauth.arc.ArcVerifier;
import dev.tern.mailauth.dkim.DkimKeys;
import dev.tern.mailauth.dkim.DkimResult;
import dev.tern.mailauth.dkim.DkimSigner;
import dev.tern.mailauth.dkim.DkimVerifier;
import dev.tern.mailauth.dmarc.DmarcEvaluator;
import dev.tern.mailauth.dmarc.DmarcResult;
import dev.tern.mailauth.dmarc.FromDomain;
import dev.tern.mailauth.dmarc.SpfIdentity;
import dev.tern.mailauth.results.AuthenticationResults;
import dev.tern.mailauth.results.AuthenticationResults.MethodResult;
import dev.tern.mailauth.results.AuthenticationResults.Property;
import dev.tern.mailauth.spf.SpfEvaluator;
import dev.tern.mailauth.spf.SpfResult;
import dev.tern.server.MessageInspector;
import dev.tern.smtp.Reply;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link MessageInspector} of issue 9. For every message it removes {@code Authentication-Results:} fields
 * that claim our authserv-id (RFC 8601 §5: only we may say what we checked) and asks the mail filters. For mail
 * that arrives unauthenticated it checks SPF (RFC 7208, on a virtual thread from the start of the body, so DNS
 * overlaps the data), every DKIM signature (RFC 6376, the key lookups overlap too), ARC and DMARC (RFC 7489), adds
 * one {@code Authentication-Results:} field, and applies a DMARC {@code fail} as configured. Submitted mail
 * (after AUTH) whose From: is at a domain with keys is DKIM-signed, last, over the final header section.
 *
 * <p>Thread-safe: each {@link Inspection} belongs to one message.
 */
public final class AuthInspector implements MessageInspector {
    private static final Logger log = LoggerFactory.getLogger(AuthInspector.class);
    private static final byte[] CRLF = {'\r', '\n'};

    private final InboundAuthSettings settings;
    private final SpfEvaluator spf;
    private final DkimVerifier dkim;
    private final DmarcEvaluator dmarc;
    private final ArcVerifier arc;
    private final Milters milters;
    private final ExecutorService lookups = Executors.newVirtualThreadPerTaskExecutor();

    public AuthInspector(InboundAuthSettings settings, SpfEvaluator spf, DkimVerifier dkim, DmarcEvaluator dmarc,
                         ArcVerifier arc) {
        if (settings == null || spf == null || dkim == null || dmarc == null || arc == null) {
            throw new IllegalArgumentException("settings and checkers are required");
        }
        this.settings = settings;
        this.spf = spf;
        this.dkim = dkim;
        this.dmarc = dmarc;
        this.arc = arc;
        this.milters = new Milters(settings.milters(), settings.authservId());
    }

    @Override
    public Inspection begin(MessageFacts facts, byte[] headerSection) {
        List<HeaderField> received = HeaderSection.parse(headerSection);
        boolean blankLine = endsWithEmptyLine(headerSection);
        List<HeaderField> kept = new ArrayList<>(received.size());
        int removed = 0;
        for (HeaderField field : received) {
            if (field.is(AuthenticationResults.FIELD) && AuthenticationResults.claims(field, settings.authservId())) {
                removed++;
            } else {
                kept.add(field);
            }
        }
        if (removed > 0) log.info("conn={} id={} removed {} Authentication-Results field(s) claiming {}",
                facts.connection(), facts.id(), removed, settings.authservId());
        return new Checks(facts, received, kept, blankLine);
    }

    private static boolean endsWithEmptyLine(byte[] section) {
        int n = section.length;
        if (n >= 2 && section[n - 1] == '\n' && section[n - 2] == '\n') return true;
        if (n >= 3 && section[n - 1] == '\n' && section[n - 2] == '\r' && section[n - 3] == '\n') return true;
        return n == 2 && section[0] == '\r' && section[1] == '\n' || n == 1 && section[0] == '\n';
    }

    /** The signer for a From: domain: its own, or the nearest parent domain's. */
    private Optional<DkimSigner> signerFor(String fromDomain) {
        return DkimKeys.signerFor(settings.signers(), fromDomain);
    }

    /** The message's author, RFC 7489 §6.6.1: what its From: fields say. */
    private static FromDomain.Result author(List<HeaderField> headers) {
        return FromDomain.parse(headers.stream().filter(h -> h.is("From")).map(HeaderField::value).toList());
    }

    private static Optional<String> fromDomain(List<HeaderField> headers) {
        return author(headers) instanceof FromDomain.Found found ? Optional.of(found.domain()) : Optional.empty();
    }

    /** The checks of one message. */
    private final class Checks implements Inspection {
        private final MessageFacts facts;
        private final List<HeaderField> kept;
        private final boolean blankLine;
        private final boolean inbound;
        private final DkimVerifier.Verification verification;
        private final ArcVerifier.Verification chain;
        private final Future<SpfResult> spfResult;
        private final DkimSigner.Signing signing;
        private final Milters.Run filters;

        Checks(MessageFacts facts, List<HeaderField> received, List<HeaderField> kept, boolean blankLine) {
            this.facts = facts;
            this.kept = kept;
            this.blankLine = blankLine;
            boolean ours = facts.authenticatedUser().isPresent() || facts.trustedNetwork();
            this.inbound = !ours && settings.verify();
            if (inbound) {
                verification = dkim.begin(received); // signatures are checked on the fields as they arrived
                chain = arc.begin(received);
                // A Future of the executor, not a CompletableFuture: cancel(true) interrupts the lookups on abandon.
                spfResult = lookups.submit(() -> spf.checkMailFrom(facts.client(), facts.reversePath(), facts.helo()));
            } else {
                verification = null;
                chain = null;
                spfResult = null;
            }
            signing = ours ? fromDomain(kept).filter(this::mayUse).flatMap(AuthInspector.this::signerFor)
                    .map(DkimSigner::begin).orElse(null) : null;
            filters = milters.begin(facts, kept);
        }

        /**
         * Whether this client may have mail signed as {@code fromDomain}: an authenticated user only for the domain of
         * its own address or of the MAIL FROM (which the submission sender check held to the user's addresses), so one
         * hosted domain's user cannot sign as another's; a trusted network for any domain we sign.
         */
        private boolean mayUse(String fromDomain) {
            if (facts.authenticatedUser().isEmpty()) return true;
            String user = facts.authenticatedUser().get();
            String own = user.substring(user.lastIndexOf('@') + 1);
            String sender = facts.reversePath() instanceof ReversePath.Sender s ? s.mailbox().domain().name() : "";
            return fromDomain.equalsIgnoreCase(own) || fromDomain.equalsIgnoreCase(sender);
        }

        @Override
        public void body(byte[] buffer, int offset, int length) {
            if (verification != null) {
                verification.body(buffer, offset, length);
                chain.body(buffer, offset, length);
            }
            if (signing != null) signing.body(buffer, offset, length);
            filters.body(buffer, offset, length);
        }

        @Override
        public Decision finish(Envelope envelope) {
            Milters.Result filtered = filters.finish();
            if (filtered instanceof Milters.Result.Stop stop) return stop.decision();
            Milters.Result.Pass pass = (Milters.Result.Pass) filtered;
            List<HeaderField> fields = pass.apply(kept);
            boolean quarantine = pass.quarantine();
            List<String> top = new ArrayList<>();
            if (inbound) {
                Verdict verdict = authenticate(fields);
                if (verdict.refusal().isPresent()) return new Decision.Refuse(verdict.refusal().get());
                quarantine |= verdict.quarantine();
                top.add(verdict.field());
            } else if (facts.authenticatedUser().isPresent()) {
                // RFC 8601 §2.7.4: the submission was authenticated; says who, for filters further on.
                top.add(AuthenticationResults.field(settings.authservId(), List.of(new MethodResult("auth", "pass",
                        List.of(new Property("smtp.auth", facts.authenticatedUser().get()))))));
            }
            if (signing != null) top.addAll(0, signing.finish(fields));
            return new Decision.Accept(section(top, fields), quarantine);
        }

        @Override
        public void abandon() {
            if (spfResult != null) spfResult.cancel(true);
            filters.abandon();
        }

        /** SPF, DKIM, DMARC: the field, and what DMARC asks. */
        private Verdict authenticate(List<HeaderField> fields) {
            List<DkimResult> signatures = verification.finish();
            ArcResult sealed = chain.finish();
            SpfResult sender = joinSpf();
            List<MethodResult> results = new ArrayList<>();
            results.add(spfMethod(sender));
            if (signatures.isEmpty()) results.add(new MethodResult("dkim", "none", List.of()));
            for (DkimResult signature : signatures) results.add(dkimMethod(signature));
            results.add(arcMethod(sealed));
            List<String> passing = signatures.stream().filter(s -> s.status() == DkimResult.Status.PASS)
                    .map(DkimResult::domain).toList();
            FromDomain.Result author = author(fields);
            if (!(author instanceof FromDomain.Found found)) {
                results.add(new MethodResult("dmarc", "permerror", "no single From: domain", List.of()));
                String field = field(results);
                // RFC 7489 §6.6.1: several authors would let a message pass DMARC for one and show another.
                boolean several = author instanceof FromDomain.SeveralFields || author instanceof FromDomain.SeveralMailboxes;
                if (several && settings.dmarc() == InboundAuthSettings.DmarcEnforcement.ENFORCE) {
                    return new Verdict(field, Optional.of(new Reply(550, EnhancedStatus.of(5, 7, 1),
                            List.of("Message must have exactly one author (From: address), RFC 5322 §3.6"))), false);
                }
                return new Verdict(field, Optional.empty(), false);
            }
            Optional<String> from = Optional.of(found.domain());
            DmarcResult outcome = dmarc.evaluate(from.get(), Optional.of(SpfIdentity.of(sender)), passing);
            results.add(dmarcMethod(outcome));
            String field = field(results);
            log.debug("conn={} id={} spf={} dkim={} dmarc={} from={}", facts.connection(), facts.id(),
                    sender.kind().token(), signatures.stream().map(s -> s.status().value()).toList(),
                    outcome.kind().token(), from.get());
            if (settings.dmarc() == InboundAuthSettings.DmarcEnforcement.RECORD) {
                return new Verdict(field, Optional.empty(), false);
            }
            return switch (outcome.disposition()) {
                case REJECT -> new Verdict(field, Optional.of(new Reply(550, EnhancedStatus.of(5, 7, 1),
                        List.of("Email rejected per DMARC policy for " + from.get()))), false);
                case QUARANTINE -> new Verdict(field, Optional.empty(), true);
                case NONE -> new Verdict(field, Optional.empty(), false);
            };
        }

        private SpfResult joinSpf() {
            String domain = facts.reversePath() instanceof ReversePath.Sender s ? s.mailbox().domain().name()
                    : facts.helo().isEmpty() ? "unknown" : facts.helo();
            try {
                return spfResult.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new SpfResult(SpfResult.Kind.TEMPERROR, domain, Optional.empty(), Optional.empty(), "interrupted");
            } catch (ExecutionException | CancellationException e) {
                log.warn("conn={} id={} SPF check failed", facts.connection(), facts.id(), e.getCause());
                return new SpfResult(SpfResult.Kind.TEMPERROR, domain, Optional.empty(), Optional.empty(), "check failed");
            }
        }

        private MethodResult spfMethod(SpfResult result) {
            List<Property> properties = new ArrayList<>();
            if (facts.reversePath() instanceof ReversePath.Sender sender) {
                properties.add(new Property("smtp.mailfrom", sender.mailbox().toString()));
            } else {
                properties.add(new Property("smtp.helo", facts.helo()));
            }
            return new MethodResult("spf", result.kind().token(), result.reason(), properties);
        }

        private String field(List<MethodResult> results) {
            return AuthenticationResults.field(settings.authservId(), results);
        }

        private byte[] section(List<String> top, List<HeaderField> fields) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
            for (String line : top) out.writeBytes(line.getBytes(StandardCharsets.UTF_8));
            for (HeaderField field : fields) {
                out.writeBytes(field.raw());
                out.writeBytes(CRLF);
            }
            if (blankLine) out.writeBytes(CRLF);
            return out.toByteArray();
        }
    }

    private static MethodResult dkimMethod(DkimResult result) {
        List<Property> properties = new ArrayList<>();
        if (!result.domain().isEmpty()) properties.add(new Property("header.d", result.domain()));
        if (!result.selector().isEmpty()) properties.add(new Property("header.s", result.selector()));
        if (!result.algorithm().isEmpty()) properties.add(new Property("header.a", result.algorithm()));
        if (!result.headerB().isEmpty()) properties.add(new Property("header.b", result.headerB()));
        return new MethodResult("dkim", result.status().value(), result.reason(), properties);
    }

    private static MethodResult arcMethod(ArcResult result) {
        List<Property> properties = new ArrayList<>();
        if (result.status() == ArcResult.Status.PASS) {
            properties.add(new Property("header.oldest-pass", Integer.toString(result.oldestPass())));
        }
        return new MethodResult("arc", result.status().value(), result.status() == ArcResult.Status.NONE ? ""
                : result.reason(), properties);
    }

    private static MethodResult dmarcMethod(DmarcResult result) {
        List<Property> properties = new ArrayList<>();
        properties.add(new Property("header.from", result.fromDomain()));
        result.policy().ifPresent(p -> properties.add(new Property("policy.dmarc", p.token())));
        return new MethodResult("dmarc", result.kind().token(), result.reason(), properties);
    }

    /** What the authentication checks found, and what DMARC asks. */
    private record Verdict(String field, Optional<Reply> refusal, boolean quarantine) {}
}
