package bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * One Kafka Streams application per process, for bench/run.ts. Prints JSON lines on stdout:
 * {"event":"started"} once running, {"event":"first","t":ms} when the first input record is
 * consumed, {"event":"closed"} after close(). Stops when stdin closes or reads "stop".
 *
 *   java -cp 'target/classes:target/lib/*' bench.StreamsBench workload=count guarantee=at_least_once \
 *     brokers=127.0.0.1:9092 appId=x input=in output=out table=t commitIntervalMs=1000
 */
public final class StreamsBench {
  private static final Serde<String> STRING = Serdes.String();
  private static final Serde<byte[]> BYTES = Serdes.ByteArray();
  private static final Serde<Long> LONG = Serdes.Long();

  /** Record timestamps as written, plus the wall-clock time the first input record is seen. */
  public static final class FirstRecordMarker implements TimestampExtractor {
    private static volatile boolean seen;

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
      if (!seen) {
        seen = true;
        emit("{\"event\":\"first\",\"t\":" + System.currentTimeMillis() + "}");
      }
      return record.timestamp();
    }
  }

  private static synchronized void emit(String line) {
    System.out.println(line);
    System.out.flush();
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (String arg : argv) {
      int eq = arg.indexOf('=');
      args.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    String workload = args.get("workload");
    Path stateDir = Files.createTempDirectory("bench-streams-");

    StreamsBuilder builder = new StreamsBuilder();
    KStream<String, byte[]> input = builder.stream(args.get("input"),
        Consumed.with(STRING, BYTES).withTimestampExtractor(new FirstRecordMarker()));
    String output = args.get("output");
    switch (workload) {
      case "passthrough" -> input
          .mapValues(value -> value)
          .filter((key, value) -> value != null && value.length > 0)
          .to(output, Produced.with(STRING, BYTES));
      case "count" -> input
          .groupByKey()
          .count()
          .toStream()
          .to(output, Produced.with(STRING, LONG));
      case "windowed-count" -> input
          .groupByKey()
          .windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofSeconds(1)).advanceBy(Duration.ofMillis(500)))
          .count()
          .toStream((windowed, count) -> windowed.key() + "@" + windowed.window().start())
          .to(output, Produced.with(STRING, LONG));
      case "stream-table-join" -> {
        KTable<String, byte[]> table = builder.table(args.get("table"), Consumed.with(STRING, BYTES));
        input
            .join(table, (value, other) -> {
              byte[] joined = new byte[value.length + other.length];
              System.arraycopy(value, 0, joined, 0, value.length);
              System.arraycopy(other, 0, joined, value.length, other.length);
              return joined;
            })
            .to(output, Produced.with(STRING, BYTES));
      }
      default -> throw new IllegalArgumentException("Unknown workload " + workload
          + "; expected passthrough, count, windowed-count or stream-table-join");
    }

    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, args.get("appId"));
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args.get("brokers"));
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.parseInt(args.getOrDefault("threads", "1")));
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
        "exactly_once_v2".equals(args.get("guarantee")) ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Integer.parseInt(args.get("commitIntervalMs")));
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // The kafkajs defaults the Node systems run with: 1 MB per partition, 10 MB per fetch.
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), 1024 * 1024);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), 10 * 1024 * 1024);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 100);

    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    CountDownLatch stop = new CountDownLatch(1);
    streams.setStateListener((to, from) -> {
      if (to == KafkaStreams.State.RUNNING) emit("{\"event\":\"started\"}");
      if (to == KafkaStreams.State.ERROR) {
        emit("{\"event\":\"error\",\"message\":\"Kafka Streams went to ERROR\"}");
        stop.countDown();
      }
    });
    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
    Thread stdin = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(System.in))) {
        String line;
        while ((line = reader.readLine()) != null) {
          if (line.trim().equals("stop")) break;
        }
      } catch (IOException ignored) {
        // stdin gone: stop as well
      }
      stop.countDown();
    }, "stdin");
    stdin.setDaemon(true);
    stdin.start();

    streams.start();
    stop.await();
    streams.close(Duration.ofSeconds(30));
    streams.cleanUp();
    try (Stream<Path> paths = Files.walk(stateDir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
    emit("{\"event\":\"closed\"}");
    System.exit(0);
  }
}
