package dev.tern.imap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One row per case: the command as sent (⏎ is CRLF, so literals can be written), then what the parser made of
 * it: the record, or the reply an Invalid carries. Mailbox names in IMAP4rev1 (modified UTF-7) mode.
 */
class CommandParserTest {
    @ParameterizedTest(name = "{0}  =>  {1}")
    @CsvSource(delimiterString = "=>", quoteCharacter = '¤', textBlock = """
        # RFC 9051 §6.1, §6.2: any state, not authenticated. Command names are case-insensitive (§9).
        a1 CAPABILITY                         => Capability[tag=a1]
        a1 noop                               => Noop[tag=a1]
        a1 LOGOUT                             => Logout[tag=a1]
        a1 STARTTLS                           => StartTls[tag=a1]
        a1 NOOP extra                         => a1 BAD Unexpected characters at the end of the command
        a1 NOOP{SP}                           => a1 BAD Unexpected characters at the end of the command
        a1 FROB                               => a1 BAD Unknown command
        a1                                    => a1 BAD Expected a space
        +a1 NOOP                              => * BAD Missing or invalid tag
        a{1 NOOP                              => * BAD Missing or invalid tag
        <empty>                               => * BAD Missing or invalid tag
        # §6.2.2 AUTHENTICATE, RFC 4959 SASL-IR ("=" is an empty initial response).
        a1 AUTHENTICATE plain                 => Authenticate[a1, PLAIN]
        a1 AUTHENTICATE PLAIN AGZyZWQAcHc=    => Authenticate[a1, PLAIN, <redacted>]
        a1 AUTHENTICATE PLAIN =               => Authenticate[a1, PLAIN, <redacted>]
        a1 AUTHENTICATE PLAIN ***             => a1 BAD Expected a base64 initial response
        # §6.2.3 LOGIN: astrings, quoted or literal; the password never printed.
        a1 LOGIN fred secret                  => Login[a1, fred, <redacted>]
        a1 LOGIN "fred smith" "se\\"cret"     => Login[a1, fred smith, <redacted>]
        a1 LOGIN {4}⏎fred {6+}⏎secret         => Login[a1, fred, <redacted>]
        a1 LOGIN fred                         => a1 BAD Expected a space
        a1 LOGIN fred "unterminated           => a1 BAD Unterminated quoted string
        a1 LOGIN fred "bad\\escape"           => a1 BAD Bad escape in quoted string
        a1 LOGIN fred ~{3}⏎abc                => a1 BAD literal8 is only for APPEND data
        # §6.3.1 ENABLE (RFC 5161).
        a1 ENABLE IMAP4rev2 UTF8=ACCEPT       => Enable[tag=a1, capabilities=[IMAP4rev2, UTF8=ACCEPT]]
        a1 ENABLE                             => a1 BAD Expected a space
        # §6.3.2, §6.3.3 SELECT/EXAMINE; INBOX case-insensitive (§5.1); RFC 7162 CONDSTORE and QRESYNC.
        a1 SELECT inbox                       => Select[tag=a1, mailbox=MailboxName[name=INBOX], readOnly=false, condStore=false, qresync=Optional.empty]
        a1 EXAMINE "Sent Items"               => Select[tag=a1, mailbox=MailboxName[name=Sent Items], readOnly=true, condStore=false, qresync=Optional.empty]
        a1 SELECT INBOX (CONDSTORE)           => Select[tag=a1, mailbox=MailboxName[name=INBOX], readOnly=false, condStore=true, qresync=Optional.empty]
        a1 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541)) => Select[tag=a1, mailbox=MailboxName[name=INBOX], readOnly=false, condStore=false, qresync=Optional[Qresync[uidValidity=67890007, modSeq=20050715194045000, knownUids=Optional[41,43:211,214:541], knownSequenceNumbers=Optional.empty, matchingUids=Optional.empty]]]
        a1 SELECT INBOX (QRESYNC (1 2 1:9 (1,5 3,9))) => Select[tag=a1, mailbox=MailboxName[name=INBOX], readOnly=false, condStore=false, qresync=Optional[Qresync[uidValidity=1, modSeq=2, knownUids=Optional[1:9], knownSequenceNumbers=Optional[1,5], matchingUids=Optional[3,9]]]]
        a1 SELECT INBOX (FROB)                => a1 BAD Unknown SELECT parameter
        a1 SELECT ""                          => a1 BAD Invalid mailbox name
        # §5.1.3 modified UTF-7 names for IMAP4rev1 clients.
        a1 SELECT Entw&APw-rfe                => Select[tag=a1, mailbox=MailboxName[name=Entwürfe], readOnly=false, condStore=false, qresync=Optional.empty]
        a1 SELECT &Jjo!                       => a1 BAD Invalid mailbox name
        # §6.3.4-§6.3.8; RFC 6154 §5.2 CREATE ... (USE (...)).
        a1 CREATE Archive/2024                => Create[tag=a1, mailbox=MailboxName[name=Archive/2024], specialUse=[]]
        a1 CREATE Trash (USE (\\Trash))       => Create[tag=a1, mailbox=MailboxName[name=Trash], specialUse=[Flag[name=\\Trash]]]
        a1 DELETE Old                         => Delete[tag=a1, mailbox=MailboxName[name=Old]]
        a1 RENAME Old New                     => Rename[tag=a1, from=MailboxName[name=Old], to=MailboxName[name=New]]
        a1 RENAME Old                         => a1 BAD Expected a space
        a1 SUBSCRIBE News                     => Subscribe[tag=a1, mailbox=MailboxName[name=News]]
        a1 UNSUBSCRIBE News                   => Unsubscribe[tag=a1, mailbox=MailboxName[name=News]]
        # §6.3.9 LIST, RFC 5258 LIST-EXTENDED, RFC 5819 LIST-STATUS, RFC 6154 SPECIAL-USE.
        a1 LIST "" *                          => ListMailboxes[tag=a1, selection=[], reference=, patterns=[*], returns=[], status=[]]
        a1 LIST "" %/&APw-                    => ListMailboxes[tag=a1, selection=[], reference=, patterns=[%/ü], returns=[], status=[]]
        a1 LIST (SUBSCRIBED RECURSIVEMATCH) "" (INBOX Sent*) => ListMailboxes[tag=a1, selection=[SUBSCRIBED, RECURSIVEMATCH], reference=, patterns=[INBOX, Sent*], returns=[], status=[]]
        a1 LIST () "" % RETURN (CHILDREN SPECIAL-USE STATUS (MESSAGES UNSEEN)) => ListMailboxes[tag=a1, selection=[], reference=, patterns=[%], returns=[CHILDREN, STATUS, SPECIAL_USE], status=[MESSAGES, UNSEEN]]
        a1 LIST (RECURSIVEMATCH) "" %         => a1 BAD RECURSIVEMATCH needs another selection option
        a1 LIST (FROB) "" %                   => a1 BAD Unknown LIST selection option
        a1 LIST "" % RETURN (STATUS (FROB))   => a1 BAD Unknown STATUS item
        a1 LSUB "" *                          => Lsub[tag=a1, reference=, pattern=*]
        a1 NAMESPACE                          => Namespace[tag=a1]
        # §6.3.11 STATUS, with SIZE and RFC 7162 HIGHESTMODSEQ.
        a1 STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE HIGHESTMODSEQ) => Status[tag=a1, mailbox=MailboxName[name=INBOX], items=[MESSAGES, UIDNEXT, UIDVALIDITY, UNSEEN, DELETED, SIZE, HIGHESTMODSEQ]]
        a1 STATUS INBOX ()                    => a1 BAD Expected an atom
        # §6.3.12 APPEND: flags, date-time, literal; RFC 3516 literal8; RFC 7888 {n+}.
        a1 APPEND INBOX {5}⏎hello             => Append[a1, INBOX, [], Optional.empty, 5 octets]
        a1 APPEND Drafts (\\Seen \\draft) " 7-Feb-1994 21:52:25 -0800" {5+}⏎hello => Append[a1, Drafts, [Flag[name=\\Seen], Flag[name=\\Draft]], Optional[1994-02-07T21:52:25-08:00], 5 octets]
        a1 APPEND INBOX ~{3}⏎a{NUL}b          => Append[a1, INBOX, [], Optional.empty, 3 octets, binary]
        a1 APPEND INBOX (\\Foo) {1+}⏎x        => a1 BAD Unknown system flag \\Foo
        a1 APPEND INBOX (\\*) {1+}⏎x          => a1 BAD Expected an atom
        a1 APPEND INBOX (\\Seen $Label1) {1+}⏎x => Append[a1, INBOX, [Flag[name=\\Seen], Flag[name=$Label1]], Optional.empty, 1 octets]
        a1 APPEND INBOX "hello"               => a1 BAD Invalid date-time
        a1 APPEND INBOX "7-Feb-1994 21:52:25 -0800" {1}⏎x => a1 BAD Invalid date-time
        a1 APPEND INBOX "31-Feb-1994 21:52:25 -0800" {1}⏎x => a1 BAD Invalid date
        # §6.3.13 IDLE (RFC 2177), §6.4.1-§6.4.3.
        a1 IDLE                               => Idle[tag=a1]
        a1 CLOSE                              => Close[tag=a1]
        a1 UNSELECT                           => Unselect[tag=a1]
        a1 CHECK                              => Check[tag=a1]
        a1 EXPUNGE                            => Expunge[tag=a1, uids=Optional.empty]
        a1 UID EXPUNGE 3:5,9                  => Expunge[tag=a1, uids=Optional[3:5,9]]
        a1 UID EXPUNGE                        => a1 BAD Expected a space
        a1 UID FROB 1                         => a1 BAD Unknown UID command
        # §6.4.4 SEARCH: every key, CHARSET, RETURN (RFC 4731), SAVE and $ (RFC 5182), MODSEQ (RFC 7162).
        a1 SEARCH ALL                         => Search[tag=a1, uid=false, charset=Optional.empty, returns=Optional.empty, key=All[]]
        a1 UID SEARCH CHARSET UTF-8 TEXT "Grüße"   => Search[tag=a1, uid=true, charset=Optional[UTF-8], returns=Optional.empty, key=Text[value=Grüße]]
        a1 SEARCH CHARSET KOI8-R TEXT x       => a1 NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset
        a1 SEARCH RETURN (MIN MAX COUNT) UNSEEN => Search[tag=a1, uid=false, charset=Optional.empty, returns=Optional[[MIN, MAX, COUNT]], key=LacksFlag[flag=Flag[name=\\Seen]]]
        a1 SEARCH RETURN () 1:*               => Search[tag=a1, uid=false, charset=Optional.empty, returns=Optional[[]], key=Sequence[set=1:*]]
        a1 SEARCH RETURN (SAVE) FLAGGED       => Search[tag=a1, uid=false, charset=Optional.empty, returns=Optional[[SAVE]], key=HasFlag[flag=Flag[name=\\Flagged]]]
        a1 SEARCH $ UNDELETED                 => Search[tag=a1, uid=false, charset=Optional.empty, returns=Optional.empty, key=And[keys=[Sequence[set=$], LacksFlag[flag=Flag[name=\\Deleted]]]]]
        a1 SEARCH RETURN (FROB) ALL           => a1 BAD Unknown SEARCH return option
        a1 SEARCH ANSWERED DELETED DRAFT SEEN => Search[tag=a1, uid=false, charset=Optional.empty, returns=Optional.empty, key=And[keys=[HasFlag[flag=Flag[name=\\Answered]], HasFlag[flag=Flag[name=\\Deleted]], HasFlag[flag=Flag[name=\\Draft]], HasFlag[flag=Flag[name=\\Seen]]]]]
        a1 SEARCH UNANSWERED UNDRAFT UNFLAGGED => Search[tag=a1, uid=false, charset=Optional.empty, returns=Optional.empty, key=And[keys=[LacksFlag[flag=Flag[name=\\Answered]], LacksFlag[flag=Flag[name=\\Draft]], LacksFlag[flag=Flag[name=\\Flagged]]]]]
        a1 SEARCH KEYWORD $Junk UNKEYWORD work => Search[tag=a1, uid=false, charset=Optional.empty, returns=Optional.empty, key=And[keys=[HasFlag[flag=Flag[name=$Junk]], LacksFlag[flag=Flag[name=work]]]]]
        a1 SEARCH KEYWORD \\Seen              => a1 BAD Expected an atom
        a1 SEARCH FROM fred TO "a b" CC c BCC d SUBJECT {3}⏎e f => Search[tag=a1, uid=false, charset=Optional.empty, returns=Optional.empty, key=And[keys=[Header[field=From, value=fred], Header[field=To, value=a b], Header[field=Cc, value=c], Header[field=Bcc, value=d], Header[field=Subject, value=e f]]]]
        a1 SEARCH HEADER List-Id "" BODY x    => Search[tag=a1, uid=false, charset=Optional.empty, returns=Optional.empty, key=And[keys=[Header[field=List-Id, value=], Body[value=x]]]]
        a1 SEARCH BEFORE 1-Feb-2024 ON "01-feb-2024" SINCE 29-Feb-2024 => Search[tag=a1, uid=false, charset=Optional.empty, returns=Optional.empty, key=And[keys=[InternalDate[comparison=BEFORE, date=2024-02-01], InternalDate[comparison=ON, date=2024-02-01], InternalDate[comparison=SINCE, date=2024-02-29]]]]
        a1 SEARCH SENTBEFORE 1-Jan-2000 SENTON 1-Jan-2000 SENTSINCE 1-Jan-2000 => Search[tag=a1, uid=false, charset=Optional.empty, returns=Optional.empty, key=And[keys=[SentDate[comparison=BEFORE, date=2000-01-01], SentDate[comparison=ON, date=2000-01-01], SentDate[comparison=SINCE, date=2000-01-01]]]]
        a1 SEARCH SINCE 29-Feb-2023           => a1 BAD Invalid date
        a1 SEARCH SINCE 1-Foo-2023            => a1 BAD Invalid date
        a1 SEARCH LARGER 1000 SMALLER 5000 UID 1:*,7 => Search[tag=a1, uid=false, charset=Optional.empty, returns=Optional.empty, key=And[keys=[Larger[octets=1000], Smaller[octets=5000], Uid[set=1:*,7]]]]
        a1 SEARCH NOT OR SEEN (FLAGGED DELETED) => Search[tag=a1, uid=false, charset=Optional.empty, returns=Optional.empty, key=Not[key=Or[left=HasFlag[flag=Flag[name=\\Seen]], right=And[keys=[HasFlag[flag=Flag[name=\\Flagged]], HasFlag[flag=Flag[name=\\Deleted]]]]]]]
        a1 SEARCH OR SEEN                     => a1 BAD Expected a space
        a1 SEARCH NEW OLD RECENT              => Search[tag=a1, uid=false, charset=Optional.empty, returns=Optional.empty, key=And[keys=[And[keys=[HasFlag[flag=Flag[name=\\Recent]], LacksFlag[flag=Flag[name=\\Seen]]]], LacksFlag[flag=Flag[name=\\Recent]], HasFlag[flag=Flag[name=\\Recent]]]]]
        a1 SEARCH MODSEQ "/flags/\\\\draft" all 620162338 => Search[tag=a1, uid=false, charset=Optional.empty, returns=Optional.empty, key=ModSeq[modSeq=620162338]]
        a1 SEARCH MODSEQ 5                    => Search[tag=a1, uid=false, charset=Optional.empty, returns=Optional.empty, key=ModSeq[modSeq=5]]
        a1 SEARCH FROB                        => a1 BAD Unknown search key
        a1 SEARCH 0:3                         => a1 BAD Invalid sequence set
        a1 SEARCH 1:4294967296                => a1 BAD Invalid sequence set
        a1 SEARCH {65a}                       => a1 BAD Search keys nested too deeply
        # §6.4.5 FETCH: items, macros, sections, partials, BINARY (RFC 3516), MODSEQ and CHANGEDSINCE (RFC 7162).
        a1 FETCH 1:* (UID FLAGS)              => Fetch[tag=a1, uid=false, set=1:*, items=[Uid[], Flags[]], changedSince=OptionalLong.empty, vanished=false]
        a1 FETCH 1 ALL                        => Fetch[tag=a1, uid=false, set=1, items=[Flags[], InternalDate[], Rfc822Size[], Envelope[]], changedSince=OptionalLong.empty, vanished=false]
        a1 FETCH 1 fast                       => Fetch[tag=a1, uid=false, set=1, items=[Flags[], InternalDate[], Rfc822Size[]], changedSince=OptionalLong.empty, vanished=false]
        a1 FETCH 1 FULL                       => Fetch[tag=a1, uid=false, set=1, items=[Flags[], InternalDate[], Rfc822Size[], Envelope[], Body[]], changedSince=OptionalLong.empty, vanished=false]
        a1 FETCH 1 (ALL)                      => a1 BAD Unknown FETCH item
        a1 FETCH 2:4 (ENVELOPE BODYSTRUCTURE BODY RFC822.SIZE INTERNALDATE MODSEQ) => Fetch[tag=a1, uid=false, set=2:4, items=[Envelope[], BodyStructure[], Body[], Rfc822Size[], InternalDate[], ModSeq[]], changedSince=OptionalLong.empty, vanished=false]
        a1 FETCH 1 BODY[]                     => Fetch[tag=a1, uid=false, set=1, items=[BodySection[section=Section[part=[], text=ALL, fields=[]], peek=false, partial=Optional.empty]], changedSince=OptionalLong.empty, vanished=false]
        a1 FETCH 1 BODY.PEEK[1.2.MIME]<0.1024> => Fetch[tag=a1, uid=false, set=1, items=[BodySection[section=Section[part=[1, 2], text=MIME, fields=[]], peek=true, partial=Optional[Partial[offset=0, count=1024]]]], changedSince=OptionalLong.empty, vanished=false]
        a1 FETCH 1 (BODY[HEADER.FIELDS (From "Subject")] BODY.PEEK[2.HEADER.FIELDS.NOT (X-Spam)] BODY[TEXT] BODY[3.HEADER] BODY[4]) => Fetch[tag=a1, uid=false, set=1, items=[BodySection[section=Section[part=[], text=HEADER_FIELDS, fields=[From, Subject]], peek=false, partial=Optional.empty], BodySection[section=Section[part=[2], text=HEADER_FIELDS_NOT, fields=[X-Spam]], peek=true, partial=Optional.empty], BodySection[section=Section[part=[], text=TEXT, fields=[]], peek=false, partial=Optional.empty], BodySection[section=Section[part=[3], text=HEADER, fields=[]], peek=false, partial=Optional.empty], BodySection[section=Section[part=[4], text=ALL, fields=[]], peek=false, partial=Optional.empty]], changedSince=OptionalLong.empty, vanished=false]
        a1 FETCH 1 BODY[MIME]                 => a1 BAD MIME needs a part number
        a1 FETCH 1 BODY[0]                    => a1 BAD Invalid part number
        a1 FETCH 1 BODY[1.]                   => a1 BAD Invalid section
        a1 FETCH 1 BODY[HEADER.FIELDS ()]     => a1 BAD Expected a string
        a1 FETCH 1 BODY[]<5.0>                => a1 BAD A partial needs a non-zero length
        a1 FETCH 1 (BINARY[1]<0.10> BINARY.PEEK[] BINARY.SIZE[2.1]) => Fetch[tag=a1, uid=false, set=1, items=[Binary[part=[1], peek=false, partial=Optional[Partial[offset=0, count=10]]], Binary[part=[], peek=true, partial=Optional.empty], BinarySize[part=[2, 1]]], changedSince=OptionalLong.empty, vanished=false]
        a1 FETCH 1 BINARY[TEXT]               => a1 BAD Expected ']'
        a1 FETCH 1 (RFC822 RFC822.HEADER RFC822.TEXT) => Fetch[tag=a1, uid=false, set=1, items=[Rfc822[], Rfc822Header[], Rfc822Text[]], changedSince=OptionalLong.empty, vanished=false]
        a1 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED) => Fetch[tag=a1, uid=true, set=1:*, items=[Flags[]], changedSince=OptionalLong[12345], vanished=true]
        a1 FETCH 1:* (FLAGS) (VANISHED)       => a1 BAD VANISHED needs UID FETCH and CHANGEDSINCE
        a1 FETCH 1:* (FLAGS) (CHANGEDSINCE 0) => a1 BAD CHANGEDSINCE needs a non-zero mod-sequence
        a1 FETCH 1:* ()                       => a1 BAD Unknown FETCH item
        a1 FETCH 1:* FROB                     => a1 BAD Unknown FETCH item
        # §6.4.6 STORE, RFC 7162 UNCHANGEDSINCE.
        a1 STORE 1:3 +FLAGS (\\Deleted)       => Store[tag=a1, uid=false, set=1:3, unchangedSince=OptionalLong.empty, mode=ADD, silent=false, flags=[Flag[name=\\Deleted]]]
        a1 UID STORE 5 -FLAGS.SILENT \\Seen $Junk => Store[tag=a1, uid=true, set=5, unchangedSince=OptionalLong.empty, mode=REMOVE, silent=true, flags=[Flag[name=\\Seen], Flag[name=$Junk]]]
        a1 STORE 1 (UNCHANGEDSINCE 320162338) FLAGS () => Store[tag=a1, uid=false, set=1, unchangedSince=OptionalLong[320162338], mode=REPLACE, silent=false, flags=[]]
        a1 STORE 1 +FLAGS (\\Recent)          => a1 BAD That flag cannot be stored
        # §2.3.2: system flags are the five defined ones; another \\name is refused, not dropped (as Dovecot).
        a1 STORE 1 +FLAGS (\\Foo)             => a1 BAD Unknown system flag \\Foo
        a1 UID STORE 1 FLAGS \\seen \\bar $Junk => a1 BAD Unknown system flag \\bar
        a1 STORE 1 FLAGS (\\SEEN \\answered \\Flagged \\Deleted \\draft) => Store[tag=a1, uid=false, set=1, unchangedSince=OptionalLong.empty, mode=REPLACE, silent=false, flags=[Flag[name=\\Seen], Flag[name=\\Answered], Flag[name=\\Flagged], Flag[name=\\Deleted], Flag[name=\\Draft]]]
        a1 STORE 1 +FLAGS.LOUD (\\Seen)       => a1 BAD Expected FLAGS or FLAGS.SILENT
        a1 STORE 1 +FLAGS (\\Seen             => a1 BAD Expected ')'
        # §6.4.7 COPY, §6.4.8 MOVE (RFC 6851), UID forms (§6.4.9).
        a1 COPY 1:3 Archive                   => Copy[tag=a1, uid=false, set=1:3, mailbox=MailboxName[name=Archive]]
        a1 UID COPY 4:2 Archive               => Copy[tag=a1, uid=true, set=2:4, mailbox=MailboxName[name=Archive]]
        a1 MOVE *:7 Trash                     => Move[tag=a1, uid=false, set=7:*, mailbox=MailboxName[name=Trash]]
        a1 UID MOVE 1,3 "Junk Mail"           => Move[tag=a1, uid=true, set=1,3, mailbox=MailboxName[name=Junk Mail]]
        a1 MOVE 1,,3 Trash                    => a1 BAD Invalid sequence set
        # RFC 2971 ID.
        a1 ID NIL                             => Id[tag=a1, fields={}]
        a1 ID ("name" "Thunderbird" "version" NIL) => Id[tag=a1, fields={name=Optional[Thunderbird], version=Optional.empty}]
        a1 ID ("name")                        => a1 BAD Expected a space
        """)
    void parses(String input, String expected) {
        String text = input.equals("<empty>") ? "" : CommandReaderTest.expand(input.replace("{NUL}", "\0").replace("{SP}", " ").replace("{65a}", "NOT ".repeat(65) + "ALL"));
        RawCommand raw = text.isEmpty() ? RawCommand.of("") : Wire.command(text);
        Command command = CommandParser.parse(raw, TextMode.ASCII);
        String actual = command instanceof Command.Invalid invalid
                ? ResponseEncoder.encodeToString(invalid.reply(), TextMode.UTF8).strip()
                : command.toString();
        assertThat(actual).isEqualTo(expected.strip());
    }

    @org.junit.jupiter.api.Test
    void invalidUtf8InAStringIsBad() {
        RawCommand raw = new RawCommand(java.util.List.of("a1 LOGIN fred {2}".getBytes(java.nio.charset.StandardCharsets.US_ASCII), new byte[0]),
                java.util.List.of(new byte[] {(byte) 0xc3, (byte) 0x28}));
        assertThat(CommandParser.parse(raw, TextMode.ASCII)).isEqualTo(new Command.Invalid("a1", Response.bad("a1", "Invalid UTF-8 in string")));
    }

    @org.junit.jupiter.api.Test
    void utf8MailboxNamesAreTakenAsTheyAreInImap4rev2() {
        assertThat(CommandParser.parse(RawCommand.of("a1 SELECT \"Entwürfe\""), TextMode.UTF8))
                .isEqualTo(new Command.Select("a1", new MailboxName("Entwürfe"), false, false, java.util.Optional.empty()));
        // RFC 9051 §5.1: no modified UTF-7 decoding for a UTF-8 client: "&-" is two characters.
        assertThat(CommandParser.parse(RawCommand.of("a1 SELECT A&-B"), TextMode.UTF8))
                .isEqualTo(new Command.Select("a1", new MailboxName("A&-B"), false, false, java.util.Optional.empty()));
    }
}
