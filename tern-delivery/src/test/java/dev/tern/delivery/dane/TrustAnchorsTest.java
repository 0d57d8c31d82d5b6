package dev.tern.delivery.dane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;

class TrustAnchorsTest {
    @Test
    void bundledRootAnchorsAreKsk2017AndKsk2024() {
        var records = TrustAnchors.ianaRoot().records();
        assertThat(records).allSatisfy(r -> assertThat(r.getName()).isEqualTo(Name.root));
        assertThat(records).map(r -> ((DSRecord) r).getFootprint()).containsExactly(20326, 38696);
        assertThat(records).map(r -> ((DSRecord) r).getAlgorithm()).containsOnly(8);
        assertThat(records).map(r -> ((DSRecord) r).getDigestID()).containsOnly(2);
    }

    @Test
    void anOperatorsFileIsRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("anchor.txt");
        Files.writeString(file, "; our lab zone\nlab.test. IN DNSKEY 257 3 13 "
                + "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==\n");
        assertThat(TrustAnchors.read(file).records()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "; only a comment\n",
            "example.test. IN A 192.0.2.1\n",
            ". IN DS 20326 8 2 NOTHEX\n",
            ". IN DS twenty 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n",
    })
    void textWithoutAUsableAnchorIsRefused(String text) {
        assertThatThrownBy(() -> TrustAnchors.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
