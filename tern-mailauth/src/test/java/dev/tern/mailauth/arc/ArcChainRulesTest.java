package dev.tern.mailauth.arc;

import static dev.tern.mailauth.arc.ArcFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mailauth.HeaderField;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 8617 §5.2's rules, one row per case, over a two-hop chain that Tern sealed (set 2 on top). */
class ArcChainRulesTest {
    static final String CHAIN = seal(list(), seal(forwarder(), message(), "spf=pass smtp.mailfrom=a@example.com"),
            "spf=fail smtp.mailfrom=a@example.com");

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # change | find                        | replace with                       | result | reason contains
            first    | ''                          | ''                                 | PASS   | 2 ARC Sets verified
            # §5.2 step 3.1 and 3.2: the sets are complete and unique, numbered 1..N
            first    | 'ARC-Seal: i=2'             | 'ARC-Seal: i=3'                    | FAIL   | ARC Set i=2 has no ARC-Seal
            all      | 'i=1;'                      | 'i=2;'                             | FAIL   | duplicate
            all      | 'i=2;'                      | 'i=3;'                             | FAIL   | ARC Set i=2 is missing
            all      | 'i=1;'                      | 'i=0;'                             | FAIL   | outside 1..50
            all      | 'i=2;'                      | 'i=51;'                            | FAIL   | outside 1..50
            first    | 'ARC-Seal: i=2;'            | 'ARC-Seal: i=two;'                 | FAIL   | without a valid instance
            first    | 'ARC-Authentication-Results: i=2;' | 'X-Old: i=2;'               | FAIL   | has no ARC-Authentication-Results
            # §5.2 steps 2 and 3.3: cv=none for i=1, pass after it, and a newest cv=fail ends the chain
            first    | 'cv=pass'                   | 'cv=fail'                          | FAIL   | newest ARC-Seal says cv=fail
            first    | 'cv=pass'                   | 'cv=none'                          | FAIL   | ARC-Seal i=2 says cv=none
            first    | 'cv=none'                   | 'cv=pass'                          | FAIL   | ARC-Seal i=1 says cv=pass
            first    | 'cv=none'                   | 'cv=fail'                          | FAIL   | ARC-Seal i=1 says cv=fail
            first    | 'cv=pass'                   | 'cv=maybe'                         | FAIL   | unknown cv=
            # field syntax (§4.1.2, §4.1.3)
            first    | 'cv=pass;'                  | 'cv=pass; h=from;'                 | FAIL   | has an h= tag
            first    | 'ARC-Seal: i=2; a=rsa-sha256' | 'ARC-Seal: i=2; a=rsa-sha1'      | FAIL   | unsupported algorithm
            first    | 'ARC-Seal: i=2; a=rsa-sha256;' | 'ARC-Seal: i=2;'                | FAIL   | has no a=
            first    | 'h=from'                    | 'h=arc-seal:from'                  | FAIL   | h= names ARC-Seal
            first    | 'h=from:from'               | 'h=to'                             | FAIL   | From is not signed
            first    | 'c=relaxed/relaxed'         | 'c=relaxed/fancy'                  | FAIL   | unsupported c=
            first    | 'c=relaxed/relaxed;'        | 'c=relaxed/relaxed; x=1700000001;' | FAIL   | expired
            # §5.2 steps 4 and 6: the newest AMS and every AS verify
            first    | 'lunch at noon'             | 'lunch at one'                     | FAIL   | body hash did not verify
            first    | 'Subject: Lunch'            | 'Subject: Dinner'                  | FAIL   | ARC-Message-Signature i=2: signature did not verify
            first    | 'mx.list.example;'          | 'mx.evil.example;'                 | FAIL   | ARC-Seal i=2: signature did not verify
            first    | 'mx.forwarder.example;'     | 'mx.evil.example;'                 | FAIL   | ARC-Seal i=2: signature did not verify
            first    | 'ARC-Seal: i=2; a=rsa-sha256; t=' | 'ARC-Seal: i=2; a=rsa-sha256; t=1' | FAIL | ARC-Seal i=2: signature did not verify
            """)
    void chainRules(String change, String find, String replace, ArcResult.Status expected, String reason) {
        String message = switch (change) {
            case "all" -> CHAIN.replace(find, replace);
            default -> find.isEmpty() ? CHAIN : replaceFirst(CHAIN, find, replace);
        };
        ArcResult r = verify(message);
        assertThat(r.status()).as(r.reason()).isEqualTo(expected);
        assertThat(r.reason()).contains(reason);
    }

    @Test
    void moreThanFiftySetsFail() {
        List<HeaderField> fields = new ArrayList<>();
        for (int i = 1; i <= 51; i++) {
            fields.add(HeaderField.of("ARC-Seal: i=" + i + "; cv=pass"));
            fields.add(HeaderField.of("ARC-Message-Signature: i=" + i));
            fields.add(HeaderField.of("ARC-Authentication-Results: i=" + i + "; x; none"));
        }
        assertThat(ArcSets.collect(fields)).isInstanceOfSatisfying(ArcSets.Collected.Broken.class,
                b -> assertThat(b.reason()).contains("more than 50"));
    }

    @Test
    void setsAreCollectedByInstanceWhateverTheirOrder() {
        List<HeaderField> h = headers(CHAIN);
        List<HeaderField> shuffled = new ArrayList<>(h);
        java.util.Collections.reverse(shuffled);
        ArcSets.Collected c = ArcSets.collect(shuffled);
        assertThat(c).isInstanceOfSatisfying(ArcSets.Collected.Chain.class, chain -> {
            assertThat(chain.sets()).extracting(ArcSet::instance).containsExactly(1, 2);
            assertThat(chain.sets()).extracting(ArcSet::authservId).containsExactly("mx.forwarder.example",
                    "mx.list.example");
        });
    }

    private static String replaceFirst(String s, String find, String replace) {
        int at = s.indexOf(find);
        assertThat(at).as("the row finds %s", find).isNotNegative();
        return s.substring(0, at) + replace + s.substring(at + find.length());
    }
}
