/// Runs the bags of one sampling run. This is the seam for distributing the work: an executor may
/// split the bags over processes or MPI ranks (each rank computing a disjoint subset), because a
/// bag depends only on the settings and its index — every random number is a function of
/// (seed, network, index) — so any split, order or thread count gives bit-identical bags.
public protocol BagExecutor {
    /// Samples the bags `bags` (distinct indices of the run) and hands each result to `finished`,
    /// on the calling thread, as soon as it is complete, in any order. If `finished` throws, stop
    /// and rethrow: the bags handed over so far are kept by the caller.
    func run(_ sampler: GaussNetSampler, bags: [Int], finished: (BagResult) throws -> Void) throws

    /// The form `EnsembleJob` calls: as `run(_:bags:finished:)`, except that a bag computed by
    /// another process, which has already saved it in the run's store (atomically, as
    /// `BagStore.save` does), is handed to `savedElsewhere` instead of `finished`, so that it is not
    /// written twice. The default hands every bag to `finished` (everything is computed here).
    func run(_ sampler: GaussNetSampler, bags: [Int], finished: (BagResult) throws -> Void,
             savedElsewhere: (BagResult) throws -> Void) throws
}

extension BagExecutor {
    public func run(_ sampler: GaussNetSampler, bags: [Int], finished: (BagResult) throws -> Void,
                    savedElsewhere: (BagResult) throws -> Void) throws {
        try run(sampler, bags: bags, finished: finished)
    }
}

/// Bags one after another in this process, each using all of the sampler's threads.
public struct LocalBagExecutor: BagExecutor {
    public init() {}

    public func run(_ sampler: GaussNetSampler, bags: [Int], finished: (BagResult) throws -> Void) throws {
        for bag in bags { try finished(sampler.sampleBag(bag)) }
    }
}

/// How a distributed executor splits the missing bags of a job over its workers: round-robin by
/// position in the list (worker `w` of `W` takes positions `w, w + W, w + 2W, …`). Bags of one run
/// cost the same, so a static split balances to within one bag, and every worker can compute its
/// share from the list alone, without another message.
public enum BagSplit {
    /// The bags of `bags` that worker `worker` (0-based, of `workers`) computes, in list order.
    public static func share(of bags: [Int], worker: Int, workers: Int) -> [Int] {
        precondition(workers >= 1 && (0..<workers).contains(worker), "worker \(worker) of \(workers)")
        return stride(from: worker, to: bags.count, by: workers).map { bags[$0] }
    }
}

/// One sampling run from settings to `Measurement`: plans the bags `0..<settings.bags`, loads the
/// ones `store` already holds (when resuming), runs the missing ones — and the saved ones the store
/// could not verify (`Outcome.rejectedBags`) — through `executor`, saves each as soon as it is
/// finished, reports progress, and analyses all bags.
///
/// A run killed after `k` bags and started again resumes with those `k` and gives the same
/// measurement, bit for bit, as the uninterrupted run.
public struct EnsembleJob {
    public var settings: SamplerSettings
    public var store: any BagStore
    public var executor: any BagExecutor
    /// false: ignore the bags `store` holds for this run, resample all and overwrite them.
    public var resume: Bool

    public init(settings: SamplerSettings, store: any BagStore = InMemoryBagStore(),
                executor: any BagExecutor = LocalBagExecutor(), resume: Bool = true) {
        self.settings = settings
        self.store = store
        self.executor = executor
        self.resume = resume
    }

    /// Reported after each sampled bag.
    public struct Progress: Sendable, Equatable {
        /// Bags available so far (resumed and sampled), of `total`.
        public var finished: Int
        public var total: Int
        /// Bags taken from the store at the start.
        public var resumed: Int
        /// Bags sampled so far by this run.
        public var sampled: Int
    }

    public struct Outcome: Sendable {
        public var measurement: Measurement
        /// Bags taken from the store.
        public var resumedBags: Int
        /// Bags sampled by this run.
        public var sampledBags: Int
        /// Saved bags the store held but could not use (edited, unverifiable, …), by index; each was
        /// sampled again and is among `sampledBags`. The caller says so (the library prints nothing).
        public var rejectedBags: [Int: BagRejection]
        /// Whether the whole measurement came from the store.
        public var reused: Bool { sampledBags == 0 }
    }

    /// Runs the job. Throws `SamplerError` for invalid settings or bags that do not fit the run,
    /// and the store's errors when a bag cannot be saved.
    public func run(progress: ((Progress) -> Void)? = nil) throws -> Outcome {
        let sampler = try GaussNetSampler(settings: settings)
        let load = resume ? store.load(for: settings) : BagLoad()
        var bags = load.bags
        let resumed = bags.count
        let missing = (0..<settings.bags).filter { bags[$0] == nil }
        if !missing.isEmpty {
            try store.prepare(for: settings, discardExisting: !resume)
            var sampled = 0
            let wanted = Set(missing)
            func record(_ result: BagResult, save: Bool) throws {
                guard wanted.contains(result.bag), bags[result.bag] == nil, result.fits(settings) else {
                    throw SamplerError.bagMismatch("the executor returned bag \(result.bag), which was not asked for or does not fit the run")
                }
                if save { try store.save(result, for: settings) }
                bags[result.bag] = result
                sampled += 1
                progress?(Progress(finished: bags.count, total: settings.bags, resumed: resumed, sampled: sampled))
            }
            try executor.run(sampler, bags: missing, finished: { try record($0, save: true) },
                             savedElsewhere: { try record($0, save: false) })
        }
        let measurement = try Measurement(settings: settings, bags: Array(bags.values))
        return Outcome(measurement: measurement, resumedBags: resumed, sampledBags: missing.count,
                       rejectedBags: load.rejected)
    }
}
