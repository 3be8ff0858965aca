namespace Scylla.Core.Checkpoints;

/// <summary>
/// What <see cref="CheckpointHealth.Check"/> found: the runner's pid (the checkpoint's, else <c>experiment.pid</c>),
/// whether it is alive, how old the heartbeat is (null when empty or unreadable), and the verdict.
/// </summary>
public sealed record ZombieCheck(bool IsZombie, int? RunnerPid, bool? RunnerAlive, TimeSpan? HeartbeatAge);
