package dev.tern.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.sasl.ScramCredential;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ScramKeysTest {
    private static final Base64.Decoder B64 = Base64.getDecoder();

    @Test
    void rfc7677ExchangeVerifiesAgainstDerivedKeys() throws Exception {
        // RFC 7677 §3: user "user", password "pencil".
        ScramCredential keys = ScramKeys.derive("pencil", B64.decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        String clientFirstBare = "n=user,r=rOprNGfwEbeRWgbNEkqO";
        String serverFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
        String clientFinalWithoutProof = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        String authMessage = clientFirstBare + "," + serverFirst + "," + clientFinalWithoutProof;
        byte[] proof = B64.decode("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");

        // RFC 5802 §3, the server's side: ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage); H(ClientKey) == StoredKey.
        byte[] clientSignature = ScramKeys.hmac(keys.storedKey(), authMessage);
        byte[] clientKey = new byte[32];
        for (int i = 0; i < 32; i++) clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
        assertThat(MessageDigest.getInstance("SHA-256").digest(clientKey)).isEqualTo(keys.storedKey());
        assertThat(Base64.getEncoder().encodeToString(ScramKeys.hmac(keys.serverKey(), authMessage)))
                .isEqualTo("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
        // The same keys, computed independently (Python hashlib/hmac).
        assertThat(keys.storedKey()).isEqualTo(B64.decode("WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY="));
        assertThat(keys.serverKey()).isEqualTo(B64.decode("wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU="));
    }

    @Test
    void nonAsciiPasswordIsNormalizedThenHashedAsUtf8() {
        // Expected from Python: pbkdf2_hmac('sha256', NFKC('Pässwörd ｆｕｌｌ').encode(), bytes(range(16)), 4096).
        byte[] salt = new byte[16];
        for (int i = 0; i < 16; i++) salt[i] = (byte) i;

        ScramCredential keys = ScramKeys.derive("Pa\u0308sswo\u0308rd \uFF46\uFF55\uFF4C\uFF4C", salt, 4096);

        assertThat(keys.storedKey()).isEqualTo(B64.decode("XUXvR/GUmPIvLHoatjQd9SM6cHEHRB9coqqoa/D+sHo="));
        assertThat(keys.serverKey()).isEqualTo(B64.decode("sV25UPLdsc96Tr+NxJBFH0aBcArjb5aPJWjY6xhVz9s="));
    }

    @Test
    void createdKeysUseAFreshSixteenOctetSalt() {
        SecureRandom random = new SecureRandom();
        ScramCredential a = ScramKeys.create("password1", ScramKeys.DEFAULT_ITERATIONS, random);
        ScramCredential b = ScramKeys.create("password1", ScramKeys.DEFAULT_ITERATIONS, random);

        assertThat(a.salt()).hasSize(16);
        assertThat(a.iterations()).isEqualTo(8192);
        assertThat(a.salt()).isNotEqualTo(b.salt());
        assertThat(a.storedKey()).isNotEqualTo(b.storedKey());
        assertThat(ScramKeys.derive("password1", a.salt(), 8192)).isEqualTo(a);
    }
}
