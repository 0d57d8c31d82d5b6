package dev.tern.imap;

import java.util.List;

/**
 * A response code in brackets (RFC 9051 §7.1, with RFC 4315 UIDPLUS, RFC 7162 CONDSTORE, RFC 5530 codes):
 * {@code [TRYCREATE]}, {@code [UIDNEXT 7]}, {@code [COPYUID 9 1:3 7:9]}.
 */
public record ResponseCode(String name, List<Value> arguments) {
    public ResponseCode {
        if (name == null || !name.matches("[A-Z][A-Z0-9.-]*")) throw new IllegalArgumentException("bad response code name");
        arguments = List.copyOf(arguments);
    }

    public static ResponseCode of(String name) {
        return new ResponseCode(name, List.of());
    }

    public static final ResponseCode ALERT = of("ALERT");
    public static final ResponseCode ALREADYEXISTS = of("ALREADYEXISTS");
    public static final ResponseCode AUTHENTICATIONFAILED = of("AUTHENTICATIONFAILED");
    public static final ResponseCode AUTHORIZATIONFAILED = of("AUTHORIZATIONFAILED");
    public static final ResponseCode CANNOT = of("CANNOT");
    public static final ResponseCode CLIENTBUG = of("CLIENTBUG");
    public static final ResponseCode CLOSED = of("CLOSED");
    public static final ResponseCode EXPUNGEISSUED = of("EXPUNGEISSUED");
    public static final ResponseCode HASCHILDREN = of("HASCHILDREN");
    public static final ResponseCode INUSE = of("INUSE");
    public static final ResponseCode LIMIT = of("LIMIT");
    public static final ResponseCode NONEXISTENT = of("NONEXISTENT");
    public static final ResponseCode NOMODSEQ = of("NOMODSEQ");
    public static final ResponseCode NOPERM = of("NOPERM");
    public static final ResponseCode OVERQUOTA = of("OVERQUOTA");
    public static final ResponseCode PARSE = of("PARSE");
    public static final ResponseCode PRIVACYREQUIRED = of("PRIVACYREQUIRED");
    public static final ResponseCode READ_ONLY = of("READ-ONLY");
    public static final ResponseCode READ_WRITE = of("READ-WRITE");
    public static final ResponseCode SERVERBUG = of("SERVERBUG");
    public static final ResponseCode TOOBIG = of("TOOBIG");
    public static final ResponseCode TRYCREATE = of("TRYCREATE");
    public static final ResponseCode UNAVAILABLE = of("UNAVAILABLE");
    public static final ResponseCode UNKNOWN_CTE = of("UNKNOWN-CTE");

    /** RFC 9051 §7.1: the charsets SEARCH takes, after an unsupported one. */
    public static ResponseCode badCharset(List<String> supported) {
        return new ResponseCode("BADCHARSET", List.of(new Value.ListOf(supported.stream().<Value>map(Value.AString::new).toList())));
    }

    public static ResponseCode capability(List<String> capabilities) {
        return new ResponseCode("CAPABILITY", capabilities.stream().<Value>map(Value.Atom::new).toList());
    }

    public static ResponseCode permanentFlags(List<Flag> flags) {
        return new ResponseCode("PERMANENTFLAGS", List.of(new Value.ListOf(flags.stream().<Value>map(f -> new Value.Atom(f.name())).toList())));
    }

    public static ResponseCode uidNext(long uid) {
        return new ResponseCode("UIDNEXT", List.of(new Value.Number(uid)));
    }

    public static ResponseCode uidValidity(long uidValidity) {
        return new ResponseCode("UIDVALIDITY", List.of(new Value.Number(uidValidity)));
    }

    /** RFC 7162 §3.1.2.1. */
    public static ResponseCode highestModSeq(long modSeq) {
        return new ResponseCode("HIGHESTMODSEQ", List.of(new Value.Number(modSeq)));
    }

    /** RFC 7162 §3.1.3: the messages an UNCHANGEDSINCE STORE left alone. */
    public static ResponseCode modified(SequenceSet set) {
        return new ResponseCode("MODIFIED", List.of(new Value.Atom(set.toString())));
    }

    /** RFC 4315 §3. */
    public static ResponseCode appendUid(long uidValidity, SequenceSet uids) {
        return new ResponseCode("APPENDUID", List.of(new Value.Number(uidValidity), new Value.Atom(uids.toString())));
    }

    /** RFC 4315 §3. */
    public static ResponseCode copyUid(long uidValidity, SequenceSet source, SequenceSet destination) {
        return new ResponseCode("COPYUID", List.of(new Value.Number(uidValidity), new Value.Atom(source.toString()), new Value.Atom(destination.toString())));
    }
}
