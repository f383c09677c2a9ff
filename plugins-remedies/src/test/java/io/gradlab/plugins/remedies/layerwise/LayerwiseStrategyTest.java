package io.gradlab.plugins.remedies.layerwise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.GradlabException;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.ModelBuilder;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.train.TrainingControl;
import io.gradlab.api.train.TrainingStrategy;
import io.gradlab.plugins.remedies.support.NumericGradient;
import io.gradlab.testkit.TestContexts;
import io.gradlab.plugins.remedies.support.TestLayers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayerwiseStrategyTest {
    /** Records what the strategy does; "training" is a note of which dense layers were trainable. */
    static final class FakeControl implements TrainingControl {
        final TestLayers.Builder builder = new TestLayers.Builder(5, 3);
        final int epochs;
        final List<Layer> models = new ArrayList<>();
        final List<String> epochsTrained = new ArrayList<>();
        final List<Map<String, Object>> records = new ArrayList<>();
        Layer model;

        FakeControl(int epochs) {
            this.epochs = epochs;
        }

        @Override
        public int epochs() {
            return epochs;
        }

        @Override
        public ModelBuilder builder() {
            return builder;
        }

        @Override
        public Layer model() {
            return model;
        }

        @Override
        public void setModel(Layer m) {
            assertThat(m.build(5, TestContexts.f64())).isEqualTo(3);
            model = m;
            models.add(m);
        }

        @Override
        public void trainEpoch(String stage) {
            StringBuilder sb = new StringBuilder(stage).append(':');
            for (Layer l : model.children()) {
                if (!l.parameters().isEmpty()) {
                    sb.append(' ').append(l.name()).append(l.parameters().get(0).trainable() ? "" : "*");
                }
            }
            epochsTrained.add(sb.toString());
        }

        @Override
        public void record(Map<String, Object> values) {
            records.add(Map.copyOf(values));
        }
    }

    static TrainingStrategy create(Map<String, Object> params) {
        ComponentFactory<TrainingStrategy> f = LayerwiseFactory.factory();
        return TestContexts.create(f, params);
    }

    @Test
    void eachStageAddsABlockAndAFreshHeadAndAlternatesFreezing() {
        FakeControl c = new FakeControl(8);
        create(Map.of("blocks", List.of(1, 2, 1), "width", 4)).run(c);
        // 8 epochs over 3 stages: 2, 3, 3; '*' marks a frozen layer
        assertThat(c.epochsTrained).containsExactly(
                "stage-1: hidden1 output",
                "stage-1: hidden1 output",
                "stage-2: hidden1* hidden2 hidden3 output",
                "stage-2: hidden1* hidden2 hidden3 output",
                "stage-2: hidden1 hidden2 hidden3 output",
                "stage-3: hidden1* hidden2* hidden3* hidden4 output",
                "stage-3: hidden1* hidden2* hidden3* hidden4 output",
                "stage-3: hidden1 hidden2 hidden3 hidden4 output");
        assertThat(c.models).hasSize(3);
        Layer first = c.models.get(0).children().get(0);
        assertThat(c.models.get(2).children().get(0)).isSameAs(first); // trained layers are kept
        assertThat(c.models.get(1).children().get(c.models.get(1).children().size() - 1))
                .isNotSameAs(c.models.get(0).children().get(c.models.get(0).children().size() - 1)); // a fresh head
        assertThat(c.records.get(2)).containsEntry("layerwise_stage", 2).containsEntry("layerwise_frozen_layers", 1);
        assertThat(c.records.get(4)).containsEntry("layerwise_frozen_layers", 0);
        assertThat(c.records.get(5)).containsEntry("layerwise_frozen_layers", 3);
        assertThat(NumericGradient.allParameters(c.model)).allMatch(Parameter::trainable);
    }

    @Test
    void theCourseProtocolFreezesAStageAndUnfreezesTheNextWithAFreshHeadEach() {
        FakeControl c = new FakeControl(7);
        create(Map.of("blocks", List.of(2, 2, 2, 1), "freeze", "course", "width", 4)).run(c);
        assertThat(c.epochsTrained).containsExactly(
                "stage-1: hidden1 hidden2 output",
                "stage-2: hidden1* hidden2* hidden3 hidden4 output",
                "stage-3: hidden1 hidden2 hidden3 hidden4 output",
                "stage-4: hidden1* hidden2* hidden3* hidden4* hidden5 hidden6 output",
                "stage-5: hidden1 hidden2 hidden3 hidden4 hidden5 hidden6 output",
                "stage-6: hidden1* hidden2* hidden3* hidden4* hidden5* hidden6* hidden7 output",
                "stage-7: hidden1 hidden2 hidden3 hidden4 hidden5 hidden6 hidden7 output");
        assertThat(c.models).hasSize(7);
        for (int s = 1; s < 7; s++) {
            List<Layer> before = c.models.get(s - 1).children();
            List<Layer> after = c.models.get(s).children();
            assertThat(after.get(0)).isSameAs(before.get(0)); // trained layers are kept
            assertThat(after.get(after.size() - 1)).isNotSameAs(before.get(before.size() - 1)); // a fresh head every stage
        }
        assertThat(c.records).extracting(r -> r.get("layerwise_frozen_layers")).containsExactly(0, 2, 0, 4, 0, 6, 0);
        assertThat(NumericGradient.allParameters(c.model)).allMatch(Parameter::trainable);
        // 700 epochs: 100 per stage
        FakeControl full = new FakeControl(700);
        create(Map.of("blocks", List.of(2, 2, 2, 1), "freeze", "course", "width", 4)).run(full);
        assertThat(full.epochsTrained.stream().filter(e -> e.startsWith("stage-4:")).count()).isEqualTo(100);
        assertThat(full.epochsTrained.get(699)).startsWith("stage-7:");
    }

    @Test
    void alwaysAndNeverFreezeAsNamed() {
        FakeControl always = new FakeControl(4);
        create(Map.of("blocks", List.of(1, 1), "freeze", "always", "width", 3)).run(always);
        assertThat(always.epochsTrained).containsExactly("stage-1: hidden1 output", "stage-1: hidden1 output",
                "stage-2: hidden1* hidden2 output", "stage-2: hidden1* hidden2 output");
        FakeControl never = new FakeControl(4);
        create(Map.of("blocks", List.of(1, 1), "freeze", "never", "epochs-per-stage", 1)).run(never);
        assertThat(never.epochsTrained).containsExactly("stage-1: hidden1 output", "stage-2: hidden1 hidden2 output");
    }

    @Test
    void theDefaultPlanBuildsSevenHiddenLayersInFourStages() {
        FakeControl c = new FakeControl(100);
        create(Map.of()).run(c);
        assertThat(c.epochsTrained).hasSize(100);
        assertThat(c.epochsTrained.get(99)).isEqualTo("stage-4: hidden1 hidden2 hidden3 hidden4 hidden5 hidden6 hidden7 output");
        assertThat(c.epochsTrained.stream().filter(s -> s.startsWith("stage-1")).count()).isEqualTo(25);
        assertThat(c.builder.calls).contains("dense hidden1 128 pytorch-default sigmoid", "activation act7 sigmoid");
    }

    @Test
    void tooFewEpochsForTheStagesIsAClearError() {
        assertThatThrownBy(() -> create(Map.of()).run(new FakeControl(3)))
                .isInstanceOf(GradlabException.class).hasMessageContaining("3 epochs cannot cover 4 stages");
        assertThatThrownBy(() -> create(Map.of("blocks", List.of())))
                .isInstanceOf(GradlabException.class).hasMessageContaining("blocks");
    }
}
