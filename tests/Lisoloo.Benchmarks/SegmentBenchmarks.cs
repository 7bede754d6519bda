using BenchmarkDotNet.Attributes;
using Lisoloo.Sdk;

namespace Lisoloo.Benchmarks;

/// <summary>The offline segment counter on the three texts the issue names.</summary>
[MemoryDiagnoser]
public class SegmentBenchmarks
{
    private static readonly string Gsm160 = string.Concat(Enumerable.Repeat("Your KITOKO code: 493 201. ", 6))[..160];
    private static readonly string Ucs2Seventy = string.Concat(Enumerable.Repeat("Код: 493 201 ", 6))[..70];
    private static readonly string Mixed1000 = string.Concat(Enumerable.Repeat("Réunion à 9h, salle B. Confirmez SVP 👍 € ", 25))[..1000];

    [Benchmark(Description = "Count, 160-char GSM-7")]
    public SegmentInfo Gsm() => SmsSegments.Count(Gsm160);

    [Benchmark(Description = "Count, 70-char UCS-2")]
    public SegmentInfo Ucs2() => SmsSegments.Count(Ucs2Seventy);

    [Benchmark(Description = "Count, 1,000-char mixed")]
    public SegmentInfo Mixed() => SmsSegments.Count(Mixed1000);

    [Benchmark(Description = "Split, 1,000-char mixed")]
    public IReadOnlyList<string> SplitMixed() => SmsSegments.Split(Mixed1000);
}
