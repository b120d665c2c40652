package io.jnetstack.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class LexerTest {

    private static List<String> kinds(String src) throws ParseException {
        return Lexer.tokenize("t.pkt", src).stream().map(t -> t.kind() + ":" + t.text().strip()).toList();
    }

    @Test
    void commentsAreDroppedAndLinesCounted() throws ParseException {
        List<Token> tokens = Lexer.tokenize("t.pkt", "a // one\n/* two\nthree */ b");
        assertEquals("a", tokens.get(0).text());
        assertEquals(Token.Kind.NEWLINE, tokens.get(1).kind());
        assertEquals("b", tokens.get(2).text());
        assertEquals(3, tokens.get(2).line());
    }

    @Test
    void numbersWordsAndEllipsis() throws ParseException {
        assertEquals(List.of("PUNCT:+", "NUMBER:.01", "NUMBER:0", "ELLIPSIS:...", "NUMBER:0.010",
                "NUMBER:0xff", "WORD:3021b9d889017eeb", "NEWLINE:", "EOF:"),
                kinds("+.01 0...0.010 0xff 3021b9d889017eeb"));
    }

    @Test
    void flagsLexAsNameAndDot() throws ParseException {
        assertEquals(List.of("IDENT:S", "PUNCT:.", "NUMBER:0", "PUNCT::", "NUMBER:0", "PUNCT:(", "NUMBER:0",
                "PUNCT:)", "NEWLINE:", "EOF:"), kinds("S. 0:0(0)"));
    }

    @Test
    void newlinesInsideBracketsAreNotEventEnds() throws ParseException {
        assertEquals(List.of("IDENT:f", "PUNCT:(", "NUMBER:1", "PUNCT:,", "NUMBER:2", "PUNCT:)", "NEWLINE:",
                "EOF:"), kinds("f(1,\n 2)\n"));
    }

    @Test
    void rawBlocksKeepTheirText() throws ParseException {
        List<Token> tokens = Lexer.tokenize("t.pkt", "`a\nb`\n%{ x = 1 }%\n--mss=1000 // c\n");
        assertEquals(Token.Kind.SHELL, tokens.get(0).kind());
        assertEquals("a\nb", tokens.get(0).text());
        assertEquals(Token.Kind.CODE, tokens.get(2).kind());
        assertEquals(" x = 1 ", tokens.get(2).text());
        assertEquals(3, tokens.get(2).line());
        assertEquals(Token.Kind.OPTION, tokens.get(4).kind());
        assertEquals("mss=1000", tokens.get(4).text());
    }

    @Test
    void stringEscapes() throws ParseException {
        assertEquals("a\"\u00f7\n", Lexer.tokenize("t.pkt", "\"a\\\"\\xf7\\n\"").getFirst().text());
    }

    @Test
    void unterminatedBlocksNameTheirStartLine() {
        assertEquals("t.pkt:2: shell block (`) is not terminated",
                assertThrows(ParseException.class, () -> Lexer.tokenize("t.pkt", "\n`abc\n\n")).getMessage());
        assertEquals("t.pkt:1: code block %{ is not terminated by }%",
                assertThrows(ParseException.class, () -> Lexer.tokenize("t.pkt", "%{ x\n")).getMessage());
        assertEquals("t.pkt:3: comment /* is not terminated by */",
                assertThrows(ParseException.class, () -> Lexer.tokenize("t.pkt", "\n\n/* x")).getMessage());
        assertEquals("t.pkt:1: string is not terminated",
                assertThrows(ParseException.class, () -> Lexer.tokenize("t.pkt", "\"abc\n")).getMessage());
    }
}
