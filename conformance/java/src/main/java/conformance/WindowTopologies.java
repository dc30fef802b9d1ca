package conformance;

import static conformance.Catalogue.INT;
import static conformance.Catalogue.LONG;
import static conformance.Catalogue.STR;
import static conformance.Catalogue.orNull;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.SlidingWindows;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.Suppressed.BufferConfig;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;

/** Tumbling, hopping, sliding and session windows, grace, suppress and emit-on-window-close. */
final class WindowTopologies {
  private WindowTopologies() {}

  private static KGroupedStream<String, Integer> grouped(StreamsBuilder builder) {
    return builder.stream("in", Consumed.with(STR, INT)).groupByKey();
  }

  /** Windowed keys written as "key@start-end", so both sides compare plain strings. */
  private static <V> void toOut(KTable<Windowed<String>, V> table, org.apache.kafka.common.serialization.Serde<V> valueSerde) {
    table.toStream()
        .map((wk, v) -> KeyValue.pair(wk.key() + "@" + wk.window().start() + "-" + wk.window().end(), v))
        .to("out", Produced.with(STR, valueSerde));
  }

  static void register(Map<String, Supplier<Topology>> topologies) {
    topologies.put("window-tumbling-count", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      toOut(grouped(builder).windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(2))).count(), LONG);
      return builder.build();
    });
    topologies.put("window-hopping-aggregate", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      toOut(grouped(builder).windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(1)).advanceBy(Duration.ofSeconds(5)))
          .aggregate(() -> 0, (k, v, agg) -> agg + orNull(v), Materialized.with(STR, INT)), INT);
      return builder.build();
    });
    topologies.put("window-sliding-count", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      toOut(grouped(builder).windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofSeconds(5), Duration.ofSeconds(2))).count(), LONG);
      return builder.build();
    });
    topologies.put("window-sliding-reduce", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      toOut(grouped(builder).windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(Duration.ofSeconds(3))).reduce((a, b) -> a + b), INT);
      return builder.build();
    });
    topologies.put("window-session-count", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      toOut(grouped(builder).windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofSeconds(5), Duration.ofSeconds(1))).count(), LONG);
      return builder.build();
    });
    topologies.put("window-session-aggregate", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      toOut(grouped(builder).windowedBy(SessionWindows.ofInactivityGapWithNoGrace(Duration.ofSeconds(3)))
          .aggregate(() -> 0, (k, v, agg) -> agg + orNull(v), (k, a, b) -> a + b, Materialized.with(STR, INT)), INT);
      return builder.build();
    });
    topologies.put("window-suppress-until-window-closes", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      toOut(grouped(builder).windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(2))).count()
          .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded())), LONG);
      return builder.build();
    });
    topologies.put("window-emit-on-window-close", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      toOut(grouped(builder).windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(5), Duration.ofSeconds(1)))
          .emitStrategy(EmitStrategy.onWindowClose()).count(), LONG);
      return builder.build();
    });
    topologies.put("suppress-until-time-limit", () -> {
      StreamsBuilder builder = new StreamsBuilder();
      grouped(builder).count().suppress(Suppressed.untilTimeLimit(Duration.ofSeconds(3), BufferConfig.unbounded()))
          .toStream().to("out", Produced.with(STR, LONG));
      return builder.build();
    });
  }
}
