package dev.tern.testkit;

import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A DNSSEC-signed zone (RFC 4035) for {@link TestDns#serve(SignedZone)}: one ECDSA P-256 key (algorithm 13, RFC 6605)
 * made in the test signs every RRset as it is answered, denials carry NSEC records (RFC 4035 §3.1.3) over the zone's
 * names in canonical order, and the zone is its own trust anchor ({@link #trustAnchor()}, a DS record to give the
 * validator). Signatures are only sent to a query with the DO bit.
 *
 * <p>To test the failure cases, a name's answers can be made bogus ({@link Fault}), and a child can be delegated
 * insecurely ({@link #delegateInsecure}): the zone then proves with a signed NSEC that the child has no DS, and
 * {@link TestDns}'s ordinary unsigned records answer for the names below it. Thread-safe; may change while served.
 */
public final class SignedZone {
    /** What is wrong with the signatures of a name's RRsets (RFC 4035 §5.3: each makes the answer bogus). */
    public enum Fault { BAD_SIGNATURE, EXPIRED_SIGNATURE, NO_SIGNATURE }

    /** One answer for a name in this zone, as {@link TestDns} puts it in a response. */
    sealed interface Reply {
        /** The RRset asked for, with its signature. */
        record Found(List<Record> answer) implements Reply {}

        /** A CNAME (signed) to follow to {@code target}. */
        record Alias(List<Record> answer, Name target) implements Reply {}

        /** NXDOMAIN or NODATA, proven by the signed SOA and NSEC records of {@code authority}. */
        record Denial(boolean nxdomain, List<Record> authority) implements Reply {}
    }

    private static final int ECDSAP256SHA256 = 13;
    private static final int ZONE_SEP = 257;

    private final Name apex;
    private final KeyPair keys;
    private final DNSKEYRecord dnskey;
    private final long ttl;
    private final NavigableMap<Name, List<Record>> names = new ConcurrentSkipListMap<>(); // canonical order
    private final Set<Name> insecureChildren = ConcurrentHashMap.newKeySet();
    private final Map<Name, Fault> faults = new ConcurrentHashMap<>();

    private SignedZone(Name apex, long ttl) {
        this.apex = apex;
        this.ttl = ttl;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            keys = generator.generateKeyPair();
            dnskey = new DNSKEYRecord(apex, DClass.IN, ttl, ZONE_SEP, 3, ECDSAP256SHA256, keys.getPublic());
        } catch (GeneralSecurityException | DNSSEC.DNSSECException e) {
            throw new IllegalStateException("P-256 keys are required of every JDK", e);
        }
        add(new SOARecord(apex, DClass.IN, ttl, TestDns.name("ns." + apex), TestDns.name("hostmaster." + apex),
                1, 3600, 600, 86400, 60));
        add(new NSRecord(apex, DClass.IN, ttl, TestDns.name("ns." + apex)));
        add(dnskey);
    }

    /** A new zone at {@code apex} (e.g. {@code dane.test}) with a fresh key, an SOA, an NS and its DNSKEY. */
    public static SignedZone create(String apex) {
        return new SignedZone(TestDns.name(apex), 300);
    }

    /** The zone's DS record in zone-file form ({@code dane.test. 300 IN DS ...}), for the validator's trust anchors. */
    public String trustAnchor() {
        return new DSRecord(apex, DClass.IN, ttl, DNSSEC.Digest.SHA256, dnskey).toString() + "\n";
    }

    public String apex() {
        return apex.toString(true);
    }

    public SignedZone a(String name, String... addresses) {
        for (String address : addresses) add(new ARecord(own(name), DClass.IN, ttl, InetAddress.ofLiteral(address)));
        return this;
    }

    public SignedZone aaaa(String name, String... addresses) {
        for (String address : addresses) add(new AAAARecord(own(name), DClass.IN, ttl, InetAddress.ofLiteral(address)));
        return this;
    }

    public SignedZone mx(String name, int preference, String exchange) {
        return add(new MXRecord(own(name), DClass.IN, ttl, preference, TestDns.name(exchange)));
    }

    public SignedZone cname(String name, String target) {
        return add(new CNAMERecord(own(name), DClass.IN, ttl, TestDns.name(target)));
    }

    public SignedZone txt(String name, String... strings) {
        return add(new TXTRecord(own(name), DClass.IN, ttl, List.of(strings)));
    }

    /** A TLSA record (RFC 6698 §2.1) at {@code name}, e.g. {@code _25._tcp.mx.dane.test}. */
    public SignedZone tlsa(String name, int usage, int selector, int matchingType, byte[] data) {
        return add(new TLSARecord(own(name), DClass.IN, ttl, usage, selector, matchingType, data));
    }

    /**
     * Delegates {@code child} without a DS record (RFC 4035 §5.2: provably insecure): the zone holds only its NS and
     * a signed NSEC without DS; give the child's records to {@link TestDns} unsigned.
     */
    public SignedZone delegateInsecure(String child) {
        Name cut = own(child);
        insecureChildren.add(cut);
        return add(new NSRecord(cut, DClass.IN, ttl, TestDns.name("ns." + cut)));
    }

    /** Makes every RRset of {@code name} bogus in the way {@code fault} says. */
    public SignedZone fault(String name, Fault fault) {
        faults.put(own(name), fault);
        return this;
    }

    /** Removes every record of {@code name} (and its fault). */
    public SignedZone remove(String name) {
        Name n = own(name);
        names.remove(n);
        faults.remove(n);
        insecureChildren.remove(n);
        return this;
    }

    /** Whether this zone answers {@code qtype} at {@code qname}: in the zone, and not in an insecure child. */
    boolean answers(Name qname, int qtype) {
        if (!qname.subdomain(apex)) return false;
        for (Name cut : insecureChildren) {
            if (qname.equals(cut) && qtype == Type.DS) return true; // the parent side of the cut answers DS
            if (qname.subdomain(cut)) return false;
        }
        return true;
    }

    Reply lookup(Name qname, int qtype, boolean dnssecOk) {
        List<Record> records = names.get(qname);
        if (records != null) {
            List<Record> matching = records.stream().filter(r -> r.getType() == qtype).toList();
            if (!matching.isEmpty()) return new Reply.Found(signed(matching, dnssecOk));
            for (Record r : records) {
                if (r instanceof CNAMERecord c) return new Reply.Alias(signed(List.of(c), dnssecOk), c.getTarget());
            }
        }
        boolean exists = records != null || isEmptyNonTerminal(qname);
        List<Record> authority = new ArrayList<>(signed(List.of(names.get(apex).getFirst()), dnssecOk));
        if (dnssecOk) {
            Set<Record> proof = new LinkedHashSet<>();
            if (exists) {
                proof.add(records != null ? nsecAt(qname) : covering(qname)); // RFC 4035 §3.1.3.1 and §3.1.3.2
            } else {
                proof.add(covering(qname)); // RFC 4035 §3.1.3.2: the name, and the wildcard at its closest encloser
                proof.add(covering(wildcardAt(closestEncloser(qname))));
            }
            for (Record nsec : proof) authority.addAll(signed(List.of(nsec), true));
        }
        return new Reply.Denial(!exists, authority);
    }

    private List<Record> signed(List<Record> rrset, boolean dnssecOk) {
        List<Record> out = new ArrayList<>(rrset);
        Record first = rrset.getFirst();
        // A fault spoils the name's own RRsets, not its NSEC, which also proves other names' denials.
        Fault fault = first.getType() == Type.NSEC ? null : faults.get(first.getName());
        boolean delegationNs = first.getType() == Type.NS && !first.getName().equals(apex); // RFC 4035 §2.2
        if (!dnssecOk || delegationNs || fault == Fault.NO_SIGNATURE) return out;
        Instant now = Instant.now();
        Instant inception = now.minus(Duration.ofHours(1));
        Instant expiration = now.plus(Duration.ofDays(7));
        if (fault == Fault.EXPIRED_SIGNATURE) {
            inception = now.minus(Duration.ofDays(14));
            expiration = now.minus(Duration.ofDays(7));
        }
        try {
            RRSIGRecord sig = DNSSEC.sign(new RRset(rrset), dnskey, keys.getPrivate(), inception, expiration);
            if (fault == Fault.BAD_SIGNATURE) sig = tampered(sig);
            out.add(sig);
        } catch (DNSSEC.DNSSECException e) {
            throw new IllegalStateException("cannot sign " + first.getName(), e);
        }
        return out;
    }

    private static RRSIGRecord tampered(RRSIGRecord sig) {
        byte[] signature = sig.getSignature();
        signature[signature.length / 2] ^= 0x01;
        return new RRSIGRecord(sig.getName(), sig.getDClass(), sig.getTTL(), sig.getTypeCovered(), sig.getAlgorithm(),
                sig.getOrigTTL(), sig.getExpire(), sig.getTimeSigned(), sig.getFootprint(), sig.getSigner(), signature);
    }

    /** The NSEC owned by an existing name: the next name in canonical order, and the types there. */
    private Record nsecAt(Name owner) {
        Name next = names.higherKey(owner);
        if (next == null || !next.subdomain(apex)) next = apex;
        Set<Integer> types = new java.util.TreeSet<>(List.of(Type.NSEC, Type.RRSIG));
        for (Record r : names.get(owner)) types.add(r.getType());
        return new NSECRecord(owner, DClass.IN, 60, next, types.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The NSEC whose owner comes before {@code name} in canonical order (RFC 4034 §6.1), wrapping to the last. */
    private Record covering(Name name) {
        Name owner = names.lowerKey(name);
        if (owner == null) owner = names.lastKey();
        return nsecAt(owner);
    }

    private boolean isEmptyNonTerminal(Name name) {
        Name next = names.higherKey(name);
        return next != null && next.subdomain(name);
    }

    private Name closestEncloser(Name name) {
        for (int strip = 1; strip < name.labels(); strip++) {
            Name parent = new Name(name, strip);
            if (names.containsKey(parent) || isEmptyNonTerminal(parent)) return parent;
            if (parent.equals(apex)) return apex;
        }
        return apex;
    }

    private static Name wildcardAt(Name encloser) {
        try {
            return Name.concatenate(Name.fromString("*"), encloser);
        } catch (TextParseException | org.xbill.DNS.NameTooLongException e) {
            throw new IllegalArgumentException("no wildcard under " + encloser, e);
        }
    }

    private SignedZone add(Record record) {
        names.compute(record.getName(), (n, list) -> {
            List<Record> l = list == null ? new CopyOnWriteArrayList<>() : list;
            l.add(record);
            return l;
        });
        return this;
    }

    private Name own(String name) {
        Name n = TestDns.name(name);
        if (!n.subdomain(apex)) throw new IllegalArgumentException(name + " is not in the zone " + apex);
        return n;
    }
}
