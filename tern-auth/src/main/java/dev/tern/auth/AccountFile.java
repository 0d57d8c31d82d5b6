package dev.tern.auth;

import dev.tern.sasl.ScramCredential;
import java.util.Base64;
import java.util.Collection;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The text of {@code data/accounts}, format version 1 (docs/accounts.md): UTF-8, one account a line,
 * <pre>
 * v1 TAB username TAB argon2id-phc TAB scram-sha-256:iterations:salt:storedKey:serverKey
 * </pre>
 * with the SCRAM values in padded base64. Blank lines and lines starting with {@code #} are ignored (and not
 * kept when the file is rewritten). An unknown version, a malformed field or a repeated username makes the
 * whole file invalid, so a typo never silently drops an account.
 */
final class AccountFile {
    static final String VERSION = "v1";
    static final String SCRAM_PREFIX = "scram-sha-256:";
    static final String HEADER = "# Tern accounts, format v1 (docs/accounts.md). Manage with: tern user add|passwd|del|list\n";

    private AccountFile() {}

    /** The accounts in {@code text}, by username. */
    static SortedMap<String, Account> parse(String text) throws AccountFileException {
        SortedMap<String, Account> accounts = new TreeMap<>();
        int number = 0;
        for (String line : text.split("\n", -1)) {
            number++;
            if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
            if (line.isBlank() || line.startsWith("#")) continue;
            Account account;
            try {
                account = parseLine(line);
            } catch (IllegalArgumentException e) {
                throw new AccountFileException("accounts line " + number + ": " + e.getMessage());
            }
            if (accounts.putIfAbsent(account.username(), account) != null) {
                throw new AccountFileException("accounts line " + number + ": " + account.username() + " appears twice");
            }
        }
        return accounts;
    }

    static String format(Collection<Account> accounts) {
        StringBuilder sb = new StringBuilder(HEADER);
        for (Account account : accounts) {
            ScramCredential scram = account.scram();
            Base64.Encoder b64 = Base64.getEncoder();
            sb.append(VERSION).append('\t').append(account.username()).append('\t').append(account.passwordHash())
                    .append('\t').append(SCRAM_PREFIX).append(scram.iterations())
                    .append(':').append(b64.encodeToString(scram.salt()))
                    .append(':').append(b64.encodeToString(scram.storedKey()))
                    .append(':').append(b64.encodeToString(scram.serverKey())).append('\n');
        }
        return sb.toString();
    }

    private static Account parseLine(String line) {
        String[] fields = line.split("\t", -1);
        if (!fields[0].equals(VERSION)) throw new IllegalArgumentException("unknown format version (expected v1)");
        if (fields.length != 4) throw new IllegalArgumentException("expected 4 tab-separated fields");
        String username = Usernames.canonical(fields[1])
                .filter(fields[1]::equals)
                .orElseThrow(() -> new IllegalArgumentException("username is not a canonical address"));
        PasswordHash hash = PasswordHash.parse(fields[2]);
        return new Account(username, hash, parseScram(fields[3]));
    }

    private static ScramCredential parseScram(String field) {
        if (!field.startsWith(SCRAM_PREFIX)) throw new IllegalArgumentException("expected scram-sha-256:…");
        String[] parts = field.substring(SCRAM_PREFIX.length()).split(":", -1);
        if (parts.length != 4) throw new IllegalArgumentException("expected scram-sha-256:iterations:salt:storedKey:serverKey");
        try {
            Base64.Decoder b64 = Base64.getDecoder();
            return new ScramCredential(b64.decode(parts[1]), Integer.parseInt(parts[0]), b64.decode(parts[2]),
                    b64.decode(parts[3]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("scram iterations not a number");
        }
    }
}
