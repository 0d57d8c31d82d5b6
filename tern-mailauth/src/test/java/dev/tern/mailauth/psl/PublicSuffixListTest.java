package dev.tern.mailauth.psl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PublicSuffixListTest {
    private static final PublicSuffixList BUNDLED = PublicSuffixList.bundled();

    // The list's own rules (normal, wildcard, exception; ICANN and PRIVATE; IDN), and RFC 7489 §3.2.
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        example.com                   | com              | example.com
        mail.example.com              | com              | example.com
        a.b.mail.example.com          | com              | example.com
        EXAMPLE.COM.                  | com              | example.com
        example.co.uk                 | co.uk            | example.co.uk
        mail.example.co.uk            | co.uk            | example.co.uk
        co.uk                         | co.uk            | co.uk
        com                           | com              | com
        example.unlisted              | unlisted         | example.unlisted
        a.example.unlisted            | unlisted         | example.unlisted
        # wildcards and exceptions
        foo.ck                        | foo.ck           | foo.ck
        bar.foo.ck                    | foo.ck           | bar.foo.ck
        www.ck                        | ck               | www.ck
        a.www.ck                      | ck               | www.ck
        b.a.kawasaki.jp               | a.kawasaki.jp    | b.a.kawasaki.jp
        city.kawasaki.jp              | kawasaki.jp      | city.kawasaki.jp
        mail.city.kawasaki.jp         | kawasaki.jp      | city.kawasaki.jp
        # PRIVATE section: used, per common DMARC practice
        example.github.io             | github.io        | example.github.io
        www.example.github.io         | github.io        | example.github.io
        # IDN: U-labels and A-labels give the same answer
        食狮.公司.cn                    | xn--55qx5d.cn    | xn--85x722f.xn--55qx5d.cn
        www.xn--85x722f.xn--55qx5d.cn | xn--55qx5d.cn    | xn--85x722f.xn--55qx5d.cn
        shishi.中国                    | xn--fiqs8s       | shishi.xn--fiqs8s
        """)
    void findsSuffixAndOrganizationalDomain(String domain, String suffix, String organizational) {
        assertThat(BUNDLED.publicSuffix(domain)).isEqualTo(suffix);
        assertThat(BUNDLED.organizationalDomain(domain)).isEqualTo(organizational);
    }

    @Test
    void smallListFromText() {
        PublicSuffixList list = PublicSuffixList.parse("""
                // ===BEGIN ICANN DOMAINS===
                com
                *.jp
                !pref.jp
                // ===END ICANN DOMAINS===
                """);
        assertThat(list.organizationalDomain("a.b.example.jp")).isEqualTo("b.example.jp");
        assertThat(list.organizationalDomain("x.pref.jp")).isEqualTo("pref.jp");
        assertThat(list.isPublicSuffix("com")).isTrue();
        assertThat(list.isPublicSuffix("example.com")).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"''", "a..b", ".com", "'.'"})
    void rejectsNonDomains(String domain) {
        assertThatThrownBy(() -> BUNDLED.organizationalDomain(domain)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void loadsTheSystemListQuickly() throws Exception {
        Path system = Path.of("/usr/share/publicsuffix/public_suffix_list.dat");
        Path file = Files.exists(system) ? system : null;
        for (int warm = 0; warm < 3; warm++) PublicSuffixList.bundled();
        long start = System.nanoTime();
        PublicSuffixList list = file != null ? PublicSuffixList.load(file) : PublicSuffixList.bundled();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(list.size()).isGreaterThan(5_000);
        assertThat(millis).as("load time in ms").isLessThan(500); // measured ~15 ms warm; generous for a shared CI box
    }
}
