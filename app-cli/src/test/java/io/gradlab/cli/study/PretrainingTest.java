package io.gradlab.cli.study;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Greedy layer-wise pretraining rescues the deep sigmoid MLP of the M05 baseline on the embedded subset,
 * on the same budget of 8 passes over the data: the baseline trains 8 epochs and stays at chance, the
 * pretrained network spends 7 passes pretraining its 7 layers (one each) and 1 epoch fine-tuning.
 */
class PretrainingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> run(Path out, String spec, String... extra) throws IOException {
        String[] args = new String[] {"run", StudyCommandTest.SPECS.resolve(spec).toString(), "--set", "data.source.subset=embedded",
                "--set", "data.validation=0", "--epochs", "8", "--set", "training.batch-size=128", "--out", out.toString(), "-q"};
        String[] all = new String[args.length + extra.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        StudyCommandTest.Run r = StudyCommandTest.gradlab(all);
        assertThat(r.code()).as(r.err()).isZero();
        Path dir = Path.of(r.out().trim());
        return Files.readAllLines(dir.resolve("metrics.jsonl")).stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    @Test
    void pretrainingBeatsTheBaselineOnTheSameBudget(@TempDir Path dir) throws IOException {
        List<JsonNode> baseline = run(dir.resolve("baseline"), "baseline.yaml");
        List<JsonNode> pretrained = run(dir.resolve("pretrain"), "pretrain.yaml", "--set", "training.strategy.pretrain-epochs=1");
        assertThat(baseline).hasSize(8);
        assertThat(pretrained).hasSize(1);
        double base = baseline.get(7).get("test_accuracy").asDouble();
        double pre = pretrained.get(0).get("test_accuracy").asDouble();
        assertThat(base).as("baseline test accuracy after 8 epochs").isLessThanOrEqualTo(0.12);
        assertThat(pre).as("pretrained test accuracy after 7 pretraining passes and 1 epoch").isGreaterThan(base + 0.08);
        // the gradient reaches the first layer: first/last hidden-layer gradient ratio far above the baseline's
        double baseRatio = baseline.get(7).get("grad_ratio_first_last").asDouble();
        double preRatio = pretrained.get(0).get("grad_ratio_first_last").asDouble();
        assertThat(baseRatio).isLessThan(1e-3);
        assertThat(preRatio).isGreaterThan(100 * baseRatio);
        assertThat(pretrained.get(0).get("pretrain_loss_hidden7").asDouble()).isPositive();
        assertThat(pretrained.get(0).get("stage").asText()).isEqualTo("fine-tune");
    }
}
