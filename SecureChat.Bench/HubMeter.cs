using System.Diagnostics.Metrics;
using SecureChat.Engine.Diagnostics;

namespace SecureChat.Bench;

/// <summary>
/// Reads one hub's instruments (<see cref="ChatMetrics"/>) with a <see cref="MeterListener"/>: its queued output
/// and the time of its fan-outs (with the process's CPU time at the end of each), as <c>dotnet-counters</c> would see them.
/// </summary>
internal sealed class HubMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly string _server;
    private readonly object _gate = new();
    private long _queued = -1;
    private int _fanouts;
    private double _lastFanoutMs;
    private double _lastFanoutCpu = double.NaN;

    public HubMeter(string server)
    {
        _server = server;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ChatMetrics.MeterName && instrument.Name is ChatMetrics.QueuedOutput or ChatMetrics.FanoutDuration)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (IsOurs(tags))
            {
                Interlocked.Exchange(ref _queued, value);
            }
        });
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (IsOurs(tags))
            {
                // The process's CPU time at the fan-out's last write, read on the thread that made it.
                double cpu = CpuTime.ProcessMicros();
                lock (_gate)
                {
                    _fanouts++;
                    _lastFanoutMs = value;
                    _lastFanoutCpu = cpu;
                }
            }
        });
        _listener.Start();
    }

    /// <summary>The hub's output not yet written and received events not yet relayed, in bytes, now.</summary>
    public long Queued
    {
        get
        {
            _listener.RecordObservableInstruments();
            return Interlocked.Read(ref _queued);
        }
    }

    /// <summary>How many fan-outs were timed so far, the last one's milliseconds, and the process's CPU time (us) when it ended.</summary>
    public (int Count, double LastMs, double CpuMicros) Fanouts
    {
        get
        {
            lock (_gate)
            {
                return (_fanouts, _lastFanoutMs, _lastFanoutCpu);
            }
        }
    }

    public void Dispose() => _listener.Dispose();

    private bool IsOurs(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key == ChatMetrics.ServerTag)
            {
                return tag.Value as string == _server;
            }
        }

        return false;
    }
}
