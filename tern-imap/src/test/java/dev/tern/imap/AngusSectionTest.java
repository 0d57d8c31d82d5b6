package dev.tern.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.store.MessageStructure;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An independent reading of the same samples: for every part Angus Mail finds, BODY[part] is the octets Angus
 * gives as that part's raw content, and BINARY[part] those of its decoded content.
 */
class AngusSectionTest {
    @ParameterizedTest
    @ValueSource(strings = {"simple.eml", "alternative.eml", "mixed-attachment.eml", "nested-rfc822.eml", "groups.eml",
            "encoded-words.eml", "eightbit-headers.eml", "missing-headers.eml"})
    void partsAgreeWithAngusMail(String sample) throws Exception {
        byte[] content = Samples.content(sample);
        MessageStructure structure = Samples.structure(sample);
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(content));
        assertThat(MessageData.section(content, structure, MessageDataTest.section("TEXT")))
                .isEqualTo(message.getRawInputStream().readAllBytes());
        int compared = compare(content, structure, message, List.of());
        assertThat(compared).isPositive();
    }

    /** Compares the children of {@code part} (path {@code path}) and returns how many parts were compared. */
    private int compare(byte[] content, MessageStructure structure, Part part, List<Integer> path) throws Exception {
        if (!part.isMimeType("multipart/*")) {
            if (path.isEmpty()) path = List.of(1); // §6.4.5: part 1 of a single-part message is its body
            assertThat(MessageData.section(content, structure, section(path))).as("BODY[%s]", path)
                    .isEqualTo(raw(part));
            byte[] decoded = part.isMimeType("message/rfc822") ? raw(part) : part.getInputStream().readAllBytes();
            assertThat(MessageData.binary(content, structure, path)).as("BINARY[%s]", path).hasValue(decoded);
            if (part.isMimeType("message/rfc822")) {
                MimeMessage enclosed = (MimeMessage) part.getContent();
                // the parts of an enclosed multipart are numbered on from the message/rfc822 part's number
                return 1 + (enclosed.isMimeType("multipart/*") ? compare(content, structure, enclosed, path) : 0);
            }
            return 1;
        }
        MimeMultipart multipart = (MimeMultipart) part.getContent();
        int compared = 0;
        for (int i = 0; i < multipart.getCount(); i++) {
            List<Integer> child = new ArrayList<>(path);
            child.add(i + 1);
            compared += compare(content, structure, multipart.getBodyPart(i), child);
        }
        return compared;
    }

    private static byte[] raw(Part part) throws Exception {
        if (part instanceof MimeBodyPart body) return body.getRawInputStream().readAllBytes();
        return ((MimeMessage) part).getRawInputStream().readAllBytes();
    }

    private static FetchItem.Section section(List<Integer> path) {
        return new FetchItem.Section(path, FetchItem.SectionText.ALL, List.of());
    }
}
