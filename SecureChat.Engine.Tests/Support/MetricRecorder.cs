using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using SecureChat.Engine.Diagnostics;

namespace SecureChat.Engine.Tests.Support;

/// <summary>
/// A <see cref="MeterListener"/> on the <see cref="ChatMetrics.MeterName"/> meter that keeps only one server's
/// measurements (by its <see cref="ChatMetrics.ServerTag"/>), so tests running side by side do not see each other's.
/// </summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly string _server;
    private readonly ConcurrentQueue<(string Instrument, double Value, string? Reason)> _seen = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, string?> Tags)> _tagged = new();

    public MetricRecorder(string server)
    {
        _server = server;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ChatMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The sum of what <paramref name="instrument"/> measured for this server (of one reason, if given).</summary>
    public double Sum(string instrument, string? reason = null) =>
        _seen.Where(m => m.Instrument == instrument && (reason is null || m.Reason == reason)).Sum(m => m.Value);

    /// <summary>The sum of what <paramref name="instrument"/> measured for this server with every tag of <paramref name="tags"/> (key=value).</summary>
    public double SumWhere(string instrument, params string[] tags) =>
        _tagged.Where(m => m.Instrument == instrument && tags.All(t => t.Split('=') is [var key, var value] && m.Tags.TryGetValue(key, out string? seen) && seen == value)).Sum(m => m.Value);

    /// <summary>How many measurements <paramref name="instrument"/> made for this server.</summary>
    public int Count(string instrument) => _seen.Count(m => m.Instrument == instrument);

    /// <summary>The last value an observable instrument reports for this server now.</summary>
    public double? Observe(string instrument)
    {
        int before = _seen.Count;
        _listener.RecordObservableInstruments();
        return _seen.Skip(before).LastOrDefault(m => m.Instrument == instrument) is { Instrument: not null } last ? last.Value : null;
    }

    /// <summary>Every reason tag seen on <paramref name="instrument"/>, with its sum.</summary>
    public string Describe(string instrument) =>
        string.Join(", ", _seen.Where(m => m.Instrument == instrument).GroupBy(m => m.Reason ?? "-").Select(g => $"{g.Key}={g.Sum(m => m.Value)}"));

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? server = null;
        string? reason = null;
        var all = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            all[tag.Key] = tag.Value as string;
            if (tag.Key == ChatMetrics.ServerTag)
            {
                server = tag.Value as string;
            }
            else if (tag.Key == ChatMetrics.ReasonTag)
            {
                reason = tag.Value as string;
            }
        }

        if (server == _server)
        {
            _seen.Enqueue((instrument.Name, value, reason));
            _tagged.Enqueue((instrument.Name, value, all));
        }
    }
}
