package dev.tern.delivery.dane;

import dev.tern.dns.DnsSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * DNSSEC-validated questions (RFC 4035 §5) through dnsjava's {@link ValidatingResolver} in front of the configured
 * recursive servers, each answer classified as RFC 4033 §5 does: secure, insecure, bogus, or no answer at all.
 *
 * <p>The upstream servers must pass DNSSEC records through (the validator asks with DO and CD set). dnsjava keeps
 * the validated DNSKEY RRsets in its key cache; secure answers and secure denials are cached here for their TTL (at
 * most an hour, RFC 2308 §5 for denials), at most {@link #MAX_CACHED} of them. Thread-safe; each question blocks its
 * caller until the deadline it is given at the latest. dnsjava's own threads do the I/O.
 */
final class ValidatingLookup {
    /** The answer to one question, after the CNAMEs in it were followed. */
    sealed interface Answer {
        /** Validated records of the type asked, at {@code owner} (the end of the CNAME chain). */
        record Secure(List<Record> records, Name owner) implements Answer {}

        /** A validated NXDOMAIN or NODATA (RFC 4035 §5.4): the records do not exist. */
        record SecureDenial(Name owner) implements Answer {}

        /** An answer outside any chain of trust (RFC 4035 §5.2: a provably unsigned zone, or no trust anchor). */
        record Insecure(String why) implements Answer {}

        /** Validation failed (RFC 4035 §5.5): a bad, expired or missing signature where one must be. */
        record Bogus(String why) implements Answer {}

        /** No usable answer: SERVFAIL from upstream, a timeout, an answer that does not parse. */
        record Failed(String why) implements Answer {}
    }

    /** RFC 1034 §3.6.2 leaves chain length open; the resolver in tern-dns stops at 10 too. */
    private static final int MAX_CNAMES = 10;
    static final int MAX_CACHED = 10_000;
    private static final long MAX_TTL_SECONDS = 3600;

    private record Question(Name name, int type) {}

    private record Cached(Answer answer, long expiresNanos) {}

    private final Map<Question, Cached> cache = new ConcurrentHashMap<>();

    private final ExtendedResolver upstream;
    private final ValidatingResolver validator;
    ValidatingLookup(DnsSettings settings, TrustAnchors anchors) {
        List<org.xbill.DNS.Resolver> servers = new ArrayList<>();
        for (var address : settings.servers()) {
            SimpleResolver server = new SimpleResolver(address);
            server.setTimeout(settings.timeout());
            servers.add(server);
        }
        upstream = new ExtendedResolver(servers);
        upstream.setLoadBalance(false);
        upstream.setRetries(settings.retries() + 1); // dnsjava counts tries, the first one included
        upstream.setTimeout(settings.worstCase().plusSeconds(1)); // dnsjava notices a try's timeout up to 1 s late
        validator = new ValidatingResolver(upstream); // sets DO on every upstream question
        try {
            validator.loadTrustAnchors(anchors.open());
        } catch (IOException e) {
            throw new IllegalArgumentException("trust anchors do not load", e); // TrustAnchors parsed them already
        }
    }

    /**
     * Asks for {@code type} at {@code name}, following CNAMEs; every hop must be secure for a secure answer.
     *
     * @param deadlineNanos {@link System#nanoTime()} by which the answer must be there, or it is {@link Answer.Failed}
     */
    Answer query(Name name, int type, long deadlineNanos) {
        Question question = new Question(name, type);
        Cached cached = cache.get(question);
        if (cached != null && cached.expiresNanos() - System.nanoTime() > 0) return cached.answer();
        Name current = name;
        Set<Name> seen = new HashSet<>(List.of(name));
        long ttl = MAX_TTL_SECONDS;
        for (int queries = 0; queries <= MAX_CNAMES; queries++) {
            Hop hop = ask(current, type, deadlineNanos);
            if (!(hop instanceof Chain chain)) return ((Done) hop).answer();
            ttl = Math.min(ttl, chain.ttl());
            if (!chain.records().isEmpty()) return remember(question, new Answer.Secure(chain.records(), chain.end()), ttl);
            if (chain.complete()) return remember(question, new Answer.SecureDenial(chain.end()), ttl);
            if (!seen.add(chain.end()) || seen.size() > MAX_CNAMES + 1) {
                return new Answer.Failed("CNAME loop at " + chain.end());
            }
            current = chain.end(); // the server stopped at a CNAME: ask for its target
        }
        return new Answer.Failed("more than " + MAX_CNAMES + " CNAMEs from " + name);
    }

    private Answer remember(Question question, Answer answer, long ttlSeconds) {
        if (ttlSeconds <= 0) return answer;
        if (cache.size() >= MAX_CACHED) {
            long now = System.nanoTime();
            cache.values().removeIf(c -> c.expiresNanos() - now <= 0);
            if (cache.size() >= MAX_CACHED) return answer; // full of live answers: this one is asked again next time
        }
        cache.put(question, new Cached(answer, System.nanoTime() + TimeUnit.SECONDS.toNanos(ttlSeconds)));
        return answer;
    }

    /** One question's outcome: final, or a secure CNAME chain that may need another question. */
    private sealed interface Hop {}

    private record Done(Answer answer) implements Hop {}

    /**
     * A secure answer's CNAME chain from the name asked: where it ends, what is there, whether it is the end, and
     * for how long it may be reused (the smallest TTL of its records, or the negative TTL of its SOA).
     */
    private record Chain(Name end, List<Record> records, boolean complete, long ttl) implements Hop {}

    private Hop ask(Name name, int type, long deadlineNanos) {
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        Message response;
        try {
            response = send(validator, query, deadlineNanos);
        } catch (TimeoutException e) {
            return new Done(new Answer.Failed("timeout for " + what(name, type)));
        } catch (IOException e) {
            return new Done(new Answer.Failed("no answer for " + what(name, type) + " (" + e.getMessage() + ")"));
        }
        int rcode = response.getRcode();
        if (rcode == Rcode.SERVFAIL) return new Done(servfail(query, response, name, type, deadlineNanos));
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            return new Done(new Answer.Failed(Rcode.string(rcode) + " for " + what(name, type)));
        }
        if (!response.getHeader().getFlag(Flags.AD)) {
            return new Done(new Answer.Insecure(what(name, type) + " is not signed"));
        }
        return chain(response, name, type);
    }

    /**
     * dnsjava answers SERVFAIL both for a bogus answer and when upstream failed, with a reason either way. Asking
     * upstream once more with CD (checking disabled) tells them apart: an upstream that answers made the bogus one.
     */
    private Answer servfail(Message query, Message response, Name name, int type, long deadlineNanos) {
        String reason = validationReason(response);
        Message unchecked = query.clone();
        unchecked.getHeader().setFlag(Flags.CD);
        try {
            int rcode = send(upstream, unchecked, deadlineNanos).getRcode();
            if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
                return new Answer.Bogus(what(name, type) + ": " + reason);
            }
            return new Answer.Failed(Rcode.string(rcode) + " for " + what(name, type));
        } catch (TimeoutException | IOException e) {
            return new Answer.Failed("SERVFAIL for " + what(name, type));
        }
    }

    private static Chain chain(Message response, Name name, int type) {
        List<Record> answer = response.getSection(Section.ANSWER);
        Name current = name;
        long ttl = MAX_TTL_SECONDS;
        for (int hop = 0; hop <= MAX_CNAMES; hop++) {
            List<Record> found = new ArrayList<>();
            CNAMERecord cname = null;
            for (Record r : answer) {
                if (!r.getName().equals(current) || r.getDClass() != DClass.IN) continue;
                if (r.getType() == type) found.add(r);
                if (r instanceof CNAMERecord c) cname = c;
            }
            if (!found.isEmpty()) {
                for (Record r : found) ttl = Math.min(ttl, r.getTTL());
                return new Chain(current, found, true, ttl);
            }
            if (cname == null || cname.getTarget().equals(current)) break;
            ttl = Math.min(ttl, cname.getTTL());
            current = cname.getTarget();
        }
        // RFC 6604 §3: after CNAMEs the RCODE speaks of the last name; NOERROR with nothing is NODATA there, unless
        // the server did not follow the chain (then the denial proof in the authority section is missing).
        boolean denied = current.equals(name) || response.getRcode() == Rcode.NXDOMAIN
                || !response.getSection(Section.AUTHORITY).isEmpty();
        long negativeTtl = 0; // RFC 2308 §5: without an SOA a denial is not cached
        for (Record r : response.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord soa) negativeTtl = Math.min(soa.getTTL(), soa.getMinimum());
        }
        return new Chain(current, List.of(), denied, Math.min(ttl, negativeTtl));
    }

    private static Message send(org.xbill.DNS.Resolver resolver, Message query, long deadlineNanos)
            throws IOException, TimeoutException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) throw new TimeoutException();
        try {
            return resolver.sendAsync(query).toCompletableFuture().get(left, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) throw io;
            throw new IOException(String.valueOf(cause), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String validationReason(Message response) {
        for (Record r : response.getSection(Section.ADDITIONAL)) {
            if (r instanceof TXTRecord txt && r.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS) {
                return String.join("", txt.getStrings());
            }
        }
        return "validation failed";
    }

    private static String what(Name name, int type) {
        return Type.string(type) + " " + name.toString(true);
    }
}
