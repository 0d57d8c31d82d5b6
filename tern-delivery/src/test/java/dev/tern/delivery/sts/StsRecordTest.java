package dev.tern.delivery.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StsRecordTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # RFC 8461 §3.1 and its example
            v=STSv1; id=20160831085700Z;                 | 20160831085700Z
            v=STSv1; id=20160831085700Z                  | 20160831085700Z
            v=STSv1;id=abc                               | abc
            'v=STSv1 ;	id=abc ; '                       | abc
            # extension fields are ignored
            v=STSv1; id=abc; ext_1.x-y=value!            | abc
            v=STSv1; foo=bar; id=abc                     | abc
            # invalid: no id, a bad id, a second id, a bad field, wrong version or case
            v=STSv1;                                     | -
            v=STSv1                                      | -
            v=STSv1; id=                                 | -
            v=STSv1; id=abc-def                          | -
            v=STSv1; id=123456789012345678901234567890123 | -
            v=STSv1; id=a; id=b                          | -
            v=STSv1; id=a; =b                            | -
            v=STSv1; id=a; ext=a;b                       | -
            v=STSv1; id=a;; ext=b                        | -
            v=STSv10; id=a                               | -
            v=stsv1; id=a                                | -
            V=STSv1; id=a                                | -
            ' v=STSv1; id=a'                             | -
            """)
    void parsesRecord(String text, String id) {
        assertThat(StsRecord.parse(text).map(StsRecord::id).orElse(null)).isEqualTo(id);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # RFC 8461 §3.1: records not starting with v=STSv1 are not STS records; more than one STS record: none
            v=STSv1; id=a                         | -                    | a
            v=spf1 -all                           | v=STSv1; id=b        | b
            v=STSv1; id=a                         | v=STSv1; id=b        | -
            v=STSv1; id=a                         | v=STSv1; junk        | -
            v=spf1 -all                           | hello                | -
            """)
    void selectsExactlyOneRecord(String first, String second, String id) {
        List<String> records = second == null ? List.of(first) : List.of(first, second);
        assertThat(StsRecord.select(records).map(StsRecord::id).orElse(null)).isEqualTo(id);
    }
}
