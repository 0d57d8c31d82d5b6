package dev.tern.spool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.QueueId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueIdSourceTest {
    @Test
    void idsAreUniqueAndSortByCreation() {
        var source = new QueueIdSource(0);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) ids.add(source.next().value()); // many share a millisecond
        assertThat(new HashSet<>(ids)).hasSize(ids.size());
        // Ordered by time and counter; the random tail only breaks ties that cannot occur.
        assertThat(ids.stream().map(id -> id.substring(0, 12)).toList()).isSorted();
    }

    @Test
    void idsStartAfterTheNewestMessageOnDisk() {
        long future = System.currentTimeMillis() + 3_600_000; // as if the clock was set back an hour
        QueueId id = new QueueIdSource(future).next();
        assertThat(Long.parseLong(id.value().substring(0, 9), 36)).isGreaterThanOrEqualTo(future);
    }
}
