package dev.tern.spool;

import java.nio.channels.FileChannel;

/** Where the bytes of a message's content are while it is being appended to the log. */
sealed interface Content {
    long length();

    /** No content: state records. */
    Content NONE = new Bytes(new byte[0], 0);

    /** Content held in memory: the first {@code used} bytes of {@code array}. */
    record Bytes(byte[] array, int used) implements Content {
        public Bytes {
            if (used < 0 || used > array.length) throw new IllegalArgumentException("bad length");
        }

        @Override
        public long length() {
            return used;
        }
    }

    /** Content in a file: a spill file, or an older segment when compaction moves a message. */
    record Region(FileChannel channel, long position, long length) implements Content {}

    /**
     * Header fields settled only at the end of the data (Authentication-Results:, DKIM-Signature:, a filter's
     * changes) in front of the content received.
     */
    record Headed(byte[] head, Content rest) implements Content {
        public Headed {
            if (rest instanceof Headed) throw new IllegalArgumentException("one head per content");
        }

        @Override
        public long length() {
            return head.length + rest.length();
        }
    }
}
