package io.gradlab.cli.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MarkdownTableTest {
    private static final String[] HEADER = {"run", ">loss"};
    private static final List<String[]> ROWS = List.of(new String[] {"a", "0.5"}, new String[] {"b", "-"});

    @Test
    void spacedRuleAsTheRnnStudyWritesIt() {
        StringBuilder sb = new StringBuilder();
        MarkdownTable.append(sb, HEADER, ROWS, true);
        assertThat(sb).hasToString("| run | loss |\n| --- | ---: |\n| a | 0.5 |\n| b | - |\n");
    }

    @Test
    void tightRuleAsTheRemedyStudyWritesIt() {
        StringBuilder sb = new StringBuilder("x\n");
        MarkdownTable.append(sb, HEADER, ROWS, false);
        assertThat(sb).hasToString("x\n| run | loss |\n|---|---:|\n| a | 0.5 |\n| b | - |\n");
    }
}
