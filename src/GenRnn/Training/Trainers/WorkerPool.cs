namespace GenRnn.Training;

/// <summary>
/// Threads that run one piece of work each per call, the caller doing piece 0. Created once per trainer, so a
/// training step starts no threads and allocates nothing.
/// </summary>
/// <remarks>
/// The hand-over is a generation counter and a count of running helpers under one lock (Monitor), each wait
/// preceded by a short spin. Not <see cref="Barrier"/>: its events create their lock objects lazily, the first time a
/// thread actually blocks on them, which may be in the middle of training.
/// </remarks>
internal sealed class WorkerPool : IDisposable
{
    private const int SpinIterations = 20;
    private readonly Thread[] _threads;
    private readonly object _gate = new();
    private readonly Exception?[] _errors;
    private Action<int>? _work;
    private int _generation; // advanced by Run to start the helpers
    private int _running;    // helpers still on the current generation
    private bool _stopping;

    public WorkerPool(int count)
    {
        Count = count;
        _errors = new Exception?[count];
        _threads = new Thread[count - 1];
        for (int i = 1; i < count; i++)
        {
            int index = i;
            _threads[i - 1] = new Thread(() => Loop(index)) { IsBackground = true, Name = $"GenRnn trainer {i}" };
            _threads[i - 1].Start();
        }
    }

    public int Count { get; }

    /// <summary>Runs work(0..Count-1) in parallel and waits; rethrows the first failure.</summary>
    public void Run(Action<int> work)
    {
        if (Count == 1)
        {
            work(0);
            return;
        }

        lock (_gate)
        {
            _work = work;
            _running = Count - 1;
            _generation++;
            Monitor.PulseAll(_gate);
        }

        Execute(0);
        var spinner = default(SpinWait);
        while (Volatile.Read(ref _running) > 0 && spinner.Count < SpinIterations)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }

        lock (_gate)
        {
            while (_running > 0)
            {
                Monitor.Wait(_gate);
            }

            _work = null;
        }

        for (int i = 0; i < Count; i++)
        {
            if (_errors[i] is { } error)
            {
                Array.Clear(_errors);
                throw new AggregateException("A training thread failed.", error);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            Monitor.PulseAll(_gate);
        }

        foreach (Thread t in _threads)
        {
            t.Join();
        }
    }

    private void Loop(int index)
    {
        int seen = 0;
        while (true)
        {
            var spinner = default(SpinWait);
            while (Volatile.Read(ref _generation) == seen && spinner.Count < SpinIterations)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            lock (_gate)
            {
                while (_generation == seen && !_stopping)
                {
                    Monitor.Wait(_gate);
                }

                if (_stopping)
                {
                    return;
                }

                seen = _generation;
            }

            Execute(index);
            lock (_gate)
            {
                if (--_running == 0)
                {
                    Monitor.PulseAll(_gate);
                }
            }
        }
    }

    private void Execute(int index)
    {
        try
        {
            _work!(index);
        }
        catch (Exception e)
        {
            _errors[index] = e;
        }
    }
}
