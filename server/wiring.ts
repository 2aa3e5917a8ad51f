/** @module server/wiring — builds the running system from configuration: the WhatsApp provider, blob store, workers, the conversation system. */
import { botSettings, mediaDir, resolveSecret, type Config } from './config';
import type { Database } from './db/client';
import { needsMaintenance, startMaintenance, type Maintenance } from './db/maintenance';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { createHub, type Hub } from './realtime/hub';
import { createPusher } from './realtime/pusher';
import { createPush, type PushOptions, type PushService } from './push';
import { createScriptCache, ensureDefaultScript } from './services/bot-scripts';
import { syncTemplates } from './services/templates';
import { createConversationSystem, type ConversationSystem } from './conversations/system';
import { createClusterNode, type ClusterNode } from './cluster/node';
import { registerClusterMetrics } from './cluster/status';
import { createBlobStore, type BlobStore } from './storage';
import { createMediaQueue, type MediaQueue } from './jobs/media';
import { createOutboxQueue } from './jobs/outbox';
import { createRecoveryQueue } from './jobs/recovery';
import { createJobRunner, type JobRunner, type QueueHandle } from './jobs/runner';
import { createGuardianLinks, type GuardianLinks } from './privacy/guardian-link';
import { createReadAudit, type ReadAudit } from './privacy/read-audit';
import type { EraseOne } from './privacy/retention-run';
import { eraseAspirant, erasureDeps } from './privacy/erase';
import { createRetentionQueue } from './jobs/retention';
import { createTimerQueue } from './jobs/timers';
import { detectMediaType } from './whatsapp/media-type';
import { PROVIDER_LABELS, type WhatsAppProvider } from './whatsapp/port';
import { createProvider } from './whatsapp/providers';
import { createSimulator, type Simulator } from './whatsapp/simulator';

export interface Services {
  hub: Hub;
  blobs: BlobStore;
  conversations: ConversationSystem;
  /** The one job runner; its queues: outbox, recovery (catch-up), media, timers, retention. */
  jobs: JobRunner;
  outbox: QueueHandle;
  media: MediaQueue;
  timers: QueueHandle;
  /** The WhatsApp provider (WHATSAPP_PROVIDER): Twilio, Meta's Cloud API or the simulator. */
  provider: WhatsAppProvider;
  /** Present only in simulator mode (no provider settings). */
  simulator?: Simulator;
  /** This process as one of several on one Postgres (DATABASE_URL set); absent on PGlite (one process). */
  cluster?: ClusterNode;
  /** Web Push; absent when the server has no VAPID key pair (logged at start). */
  push?: PushService;
  /** The audit of reads of personal data (server/privacy/read-audit). */
  reads: ReadAudit;
  /** A minor's guardian: recorded from her form and asked for authorisation by a signed link (server/privacy/guardian-link). */
  guardianLinks: GuardianLinks;
  /** The daily retention run (server/jobs/retention) and the erasure it uses; without one every run is a dry run. */
  retention: { queue: QueueHandle; erase?: EraseOne };
  /** Recovers work interrupted by a stop or crash and starts the job queues. */
  start(): Promise<void>;
  /** Stops the job queues and drains the actors; the database stays open for the caller to close. */
  stop(): Promise<void>;
}

export interface ServiceOptions {
  config: Config;
  database: Database;
  logger: Logger;
  metrics: Metrics;
  now?: () => number;
  /** Overrides for tests: a blob store, or a provider in place of the configured one. */
  blobs?: BlobStore;
  sender?: WhatsAppProvider;
  outboxPollMs?: number;
  outboxBackoffMs?: (attempt: number) => number;
  /** How long after an ambiguous send the provider is asked whether it has the message (default 5 s). */
  outboxReconcileAfterMs?: number;
  /** How long a message keeps being retried while the provider fails (default 24 h). */
  outboxGiveUpAfterMs?: number;
  mediaRetryDelaysMs?: number[];
  /** Delay before retry number `attempt` while the blob store or database is unavailable for media. */
  mediaStorageBackoffMs?: (attempt: number) => number;
  /** 0 disables the timer loop (tests drive it with runOnce and an injected clock). */
  timerPollMs?: number;
  /** false runs without the intake bot (tests of the WhatsApp path alone). */
  bot?: boolean;
  /** Web Push settings for tests: a fake push service on loopback http, smaller limits. */
  push?: PushOptions;
  /** Tests: how one aspirant is erased for retention, in place of server/privacy/erase (the default). */
  retentionErase?: EraseOne;
  /** How often the day's retention run is looked for; 0: only runOnce (tests). */
  retentionPollMs?: number;
}

/**
 * How often, and past what age, unprocessed events whose hand-off to their actor was lost are looked for (see
 * ConversationSystem.catchUp): an idle actor with an event this old never got it.
 */
const CATCH_UP_EVERY_MS = 5000;

export function buildServices(options: ServiceOptions): Services {
  const { config, database, logger, metrics } = options;
  const hub = createHub();
  const blobs = options.blobs ?? createBlobStore({ s3: config.s3, mediaDir: mediaDir(config) });
  const after: Parameters<typeof createConversationSystem>[0]['after'] = {};
  // Several processes may share a Postgres database: shard leases decide which one runs each conversation.
  const cluster = config.databaseUrl && database.kind === 'postgres' ? createClusterNode({ db: database.db, databaseUrl: config.databaseUrl, logger, config: config.cluster }) : undefined;
  // Bound below, once the pusher and the queues exist.
  const late: { pusher?: ReturnType<typeof createPusher>; gained?: (shards: number[]) => void } = {};
  const conversations = createConversationSystem({
    cluster,
    remoteChanged: (change) => late.pusher?.changed(change.conversationId, change.result, change.event),
    shardsGained: (shards) => late.gained?.(shards),
    db: database.db,
    logger,
    metrics,
    idleMs: config.actorIdleMs,
    now: options.now,
    after,
    forms: botSettings(config),
    scripts: options.bot === false ? undefined : createScriptCache(database.db),
    commitConcurrency: database.kind === 'pglite' ? 1 : 4,
    privacy: { secret: resolveSecret(config), blobs },
  });
  const simulator = config.whatsappProvider === 'simulator' ? createSimulator({ hub, publicUrl: config.publicUrl, acceptStatus: (u) => conversations.acceptStatus(u) }) : undefined;
  const provider: WhatsAppProvider = options.sender ?? simulator?.provider ?? createProvider({ config, db: database.db, mediaRetryDelaysMs: options.mediaRetryDelaysMs, logger });
  const jobs = createJobRunner({ logger, metrics });
  // Started in this order: the outbox settles the sends a crash left in doubt before events are told again.
  const outbox = createOutboxQueue(jobs, {
    db: database.db,
    sender: provider,
    providerLabel: PROVIDER_LABELS[provider.name],
    notify: (key, outcome) => conversations.tell(key, outcome),
    logger,
    metrics,
    maxMps: provider.maxMps,
    cluster,
    sendTimeoutMs: config.twilio?.timeoutMs ?? config.meta?.timeoutMs,
    pollMs: options.outboxPollMs,
    backoffMs: options.outboxBackoffMs,
    reconcileAfterMs: options.outboxReconcileAfterMs,
    giveUpAfterMs: options.outboxGiveUpAfterMs,
  });
  createRecoveryQueue(jobs, { db: database.db, conversations, logger, everyMs: CATCH_UP_EVERY_MS });
  const media = createMediaQueue(jobs, {
    db: database.db,
    blobs,
    download: (ref) => provider.fetchMedia(ref),
    detect: detectMediaType,
    storageBackoffMs: options.mediaStorageBackoffMs,
    notify: (key, outcome) => conversations.tell(key, outcome),
    logger,
    metrics,
    ownedOnly: conversations.ownedOnly,
  });
  const timers = createTimerQueue(jobs, {
    db: database.db,
    tell: (key, event) => conversations.tell(key, event),
    now: options.now,
    pollMs: options.timerPollMs,
    ownedOnly: conversations.ownedOnly,
  });
  const pusher = createPusher({ db: database.db, hub, logger, blobs });
  late.pusher = pusher;
  late.gained = (shards: number[]) => {
    void outbox.adopt(shards).catch((error: unknown) => logger.warn('outbox rows of gained shards not adopted; the next start will', { err: error as Error }));
    void media.catchUp().catch((error: unknown) => logger.warn('pending media of gained shards not looked for; the next start will', { err: error as Error }));
    timers.wake();
    outbox.wake();
  };
  if (cluster) registerClusterMetrics(metrics, { db: database.db, owned: () => cluster.owned() });
  const reads = createReadAudit({ db: database.db, logger, metrics });
  const retentionErase: EraseOne =
    options.retentionErase ?? ((id) => eraseAspirant(erasureDeps(config, database.db, { blobs, conversations }, logger), id, { actor: { label: 'retention' }, reason: 'retention' }));
  const retention = {
    queue: createRetentionQueue(jobs, { db: database.db, logger, settings: config.retention, erase: retentionErase, now: options.now, pollMs: options.retentionPollMs }),
    erase: retentionErase,
  };
  const push = createPush({ config, db: database.db, logger, options: options.push });
  let maintenance: Maintenance | undefined;
  // --- Template sync on start (server/services/templates) ---
  const stopSync = new AbortController();
  let startSync: Promise<unknown> | undefined;
  /** In the background: a provider that is slow or down never holds or fails the start; the outcome is logged. */
  function syncTemplatesOnStart(): Promise<unknown> {
    if (!provider.listTemplates) return Promise.resolve();
    return syncTemplates(database.db, provider, { signal: stopSync.signal }).then(
      (result) => logger.info('templates synced', { ...result }),
      (error: unknown) =>
        stopSync.signal.aborted || logger.warn('templates not synced: the composer keeps the ones stored before (retry with `wasap templates sync`)', { provider: provider.name, err: error as Error }),
    );
  }
  // --- end template sync ---
  after.changed = (_key, conversationId, result, event) => {
    pusher.changed(conversationId, result, event);
    // Only queues (server/push/notifier): a slow or failing push service never holds or fails a commit.
    push?.changed(conversationId, result, event);
  };
  after.mediaToFetch = (key, ids) => media.fetch(key, ids);
  after.outboxReady = () => outbox.wake();

  return {
    hub,
    blobs,
    conversations,
    jobs,
    outbox,
    media,
    timers,
    provider,
    simulator,
    cluster,
    push,
    reads,
    guardianLinks: createGuardianLinks({ db: database.db, config, provider, logger, now: options.now }),
    retention,
    async start() {
      if (options.bot !== false) await ensureDefaultScript(database.db);
      // Leases first: the queues' recovery and claims read only the conversations owned here.
      await cluster?.start();
      await jobs.start();
      maintenance = startMaintenance({ database, logger, active: await needsMaintenance(database) });
      startSync = syncTemplatesOnStart();
    },
    async stop() {
      // Jobs first, so their outcomes still reach live actors; what actors enqueue while
      // draining stays in the database and goes out at the next start.
      await maintenance?.stop();
      // A sync still waiting for the provider is dropped; one writing finishes before the database closes.
      stopSync.abort();
      await startSync;
      await jobs.stop();
      await simulator?.idle();
      // Each shard's actors finish what they hold, then its lease is released for another process to claim.
      await cluster?.stop();
      await conversations.drain();
      // The last commits' pushes read the database: they finish before the caller closes it.
      await pusher.idle();
      // Web Push requests still out are aborted, not waited for: a slow push service must not hold the stop.
      await push?.stop();
      // Reads recorded just before the stop are written before the caller closes the database.
      await reads.idle();
    },
  };
}
