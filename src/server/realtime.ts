/**
 * socket.io on the Fastify HTTP server. Two namespaces:
 * - `/kiosk`: the screen at the door. Only paired screens (the device's own, connecting from
 *   loopback, or one paired with a code from the admin pages) get preview frames, decisions and
 *   camera state, and may open the menu (enrollment, re-enroll, remove), which needs the PIN
 *   first, per socket. An unpaired screen gets a hello that says so, and may only pair.
 * - `/admin`: the admin pages' live feed; the handshake and every event need an admin session.
 * Every handshake must name this kiosk in Host and Origin. Every client message is size-checked and
 * validated; bad ones are refused with a reply and counted, and nothing a client sends can throw
 * out of a handler.
 */
import { randomBytes } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { Server, type Namespace, type Socket } from 'socket.io';
import type { z } from 'zod';
import { isKioskError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { readCookie, SESSION_COOKIE } from './auth/cookie.ts';
import { formatCode } from './auth/one-time-code.ts';
import { hashToken, type AdminIdentity } from './auth/sessions.ts';
import { isLocalAddress } from './host-check.ts';
import type { LiveNotifier, ServerContext } from './context.ts';
import { cameraDto, capturedDto, decisionDto, hubLinkDto, personSummaryDto, previewDto, progressDto, recordingDto } from './dto.ts';
import type { CameraStatus, DecisionEvent, EnrollmentCaptured, EnrollmentProgress, PreviewFrame, RecordingStatus } from './ports.ts';
import type {
  AdminClientToServer,
  AdminNamespace,
  AdminServerToClient,
  KioskClientToServer,
  KioskConfigDto,
  KioskNamespace,
  KioskServerToClient,
  Refusal,
  RefusalReason,
  SocketStatsDto,
} from './protocol.ts';
import { RateGate } from './rate-gate.ts';
import { adminRequestSchemas, kioskRequestSchemas } from './socket-schemas.ts';

const KIOSK_NS: KioskNamespace = '/kiosk';
const ADMIN_NS: AdminNamespace = '/admin';
/** Engine-level hard cap relative to the per-message limit: a polling request may batch several messages. */
const ENGINE_BUFFER_FACTOR = 8;
const KIOSK_ACTOR = 'kiosk-menu';
/** socket.io room of the screens that may see faces and names. */
const PAIRED_ROOM = 'paired';
const DISPLAY_TOKEN_BYTES = 32;

/** Who a /kiosk socket is: the device's own screen, a paired screen, or nobody in particular. */
type DisplayIdentity = { kind: 'local' } | { kind: 'paired'; id: number; name: string } | { kind: 'unpaired' };

type RequestOf<M, K extends keyof M> = M[K] extends (req: infer R, ...rest: never[]) => void ? R : never;
type AckOf<M, K extends keyof M> = M[K] extends (req: never, ack: infer A) => void ? A : never;
type ReplyOf<M, K extends keyof M> = AckOf<M, K> extends (reply: infer R) => void ? R : never;
type Handlers<M> = { [K in keyof M]: (req: RequestOf<M, K>, socket: Socket) => Promise<ReplyOf<M, K>> | ReplyOf<M, K> };
type SchemaMap<M> = { [K in keyof M]: z.ZodType<RequestOf<M, K>, unknown> };

interface RawListener {
  on(event: string, listener: (...args: unknown[]) => void): void;
}
type KioskOut = Namespace<Record<string, never>, KioskServerToClient>;
type AdminOut = Namespace<Record<string, never>, AdminServerToClient>;
type KioskSocketOut = Socket<Record<string, never>, KioskServerToClient>;
type AdminSocketOut = Socket<Record<string, never>, AdminServerToClient>;

interface KioskSocketState {
  unlockedUntil: number;
  lockTimer: NodeJS.Timeout | null;
  /** Enrollment session this screen started and has not confirmed or cancelled. */
  enrollment: string | null;
  busy: boolean;
}

function refuse(reason: RefusalReason, message?: string, retryAfterMs?: number): Refusal {
  const r: Refusal = { ok: false, reason };
  if (message !== undefined) r.message = message;
  if (retryAfterMs !== undefined) r.retryAfterMs = retryAfterMs;
  return r;
}

function jsonSize(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function displayOf(socket: Socket): DisplayIdentity {
  return (socket.data as { display?: DisplayIdentity }).display ?? { kind: 'unpaired' };
}

export class Realtime implements LiveNotifier {
  readonly io: Server;
  private readonly kioskNs: Namespace;
  private readonly adminNs: Namespace;
  private readonly logger: Logger;
  private readonly kioskState = new Map<string, KioskSocketState>();
  private readonly enrollOwners = new Map<string, string>();
  private readonly previewGate: RateGate;
  private readonly counters = { malformed: 0, oversized: 0, unknownEvents: 0, unauthorized: 0, previewSent: 0, previewDropped: 0 };
  private readonly detach: (() => void)[] = [];
  /** Punches just announced to the screens, by id → when: "not me" may void them within notMeMs. */
  private readonly recentPunches = new Map<number, number>();

  constructor(
    httpServer: HttpServer,
    private readonly ctx: ServerContext,
  ) {
    this.logger = ctx.logger.child({ stage: 'server.realtime' });
    this.previewGate = RateGate.perSecond(ctx.options.previewMaxFps);
    this.io = new Server(httpServer, {
      serveClient: false,
      maxHttpBufferSize: ctx.options.socketMaxMessageBytes * ENGINE_BUFFER_FACTOR,
      // Browsers send Origin on the handshake: another site's page, or a rebound host name, must not drive our sockets.
      allowRequest: (req, cb) => {
        const allowed = ctx.hosts.allowsHost(req.headers.host) && ctx.hosts.allowsOrigin(req.headers.origin);
        if (!allowed) {
          this.counters.unauthorized++;
          this.logger.warn({ host: req.headers.host, origin: req.headers.origin }, 'socket handshake for another host or origin refused');
        }
        cb(allowed ? null : 'host or origin not allowed', allowed);
      },
    });
    this.kioskNs = this.io.of(KIOSK_NS);
    this.adminNs = this.io.of(ADMIN_NS);
    this.kioskNs.use((socket, next) => {
      socket.data.display = this.identify(socket);
      next();
    });
    this.kioskNs.on('connection', (s) => this.onKiosk(s));
    this.adminNs.use((socket, next) => {
      if (this.adminOf(socket) === null) {
        this.counters.unauthorized++;
        next(new Error('unauthorized'));
        return;
      }
      next();
    });
    this.adminNs.on('connection', (s) => this.onAdmin(s));
    this.attachPort();
  }

  stats(): SocketStatsDto {
    return { kioskClients: this.kioskNs.sockets.size, adminClients: this.adminNs.sockets.size, ...this.counters };
  }

  logChanged(): void {
    (this.adminNs as unknown as AdminOut).emit('log:changed');
  }

  /** Logout: sockets opened with that session are told and dropped. */
  sessionEnded(sessionId: string): void {
    for (const s of this.adminNs.sockets.values()) {
      if (s.data.sessionId === sessionId) {
        (s as unknown as AdminSocketOut).emit('session:ended');
        s.disconnect(true);
      }
    }
  }

  /** Screens now connected with a pairing (admin list of screens). */
  displayConnections(displayId: number): number {
    let n = 0;
    for (const s of this.kioskNs.sockets.values()) {
      const d = displayOf(s);
      if (d.kind === 'paired' && d.id === displayId) n++;
    }
    return n;
  }

  /** Unpaired in the admin pages: its screens are dropped at once (they reconnect unpaired). */
  displayRemoved(displayId: number): void {
    for (const s of this.kioskNs.sockets.values()) {
      const d = displayOf(s);
      if (d.kind === 'paired' && d.id === displayId) s.disconnect(true);
    }
  }

  /** Setup is done: paired screens stop showing the setup code. */
  setupDone(): void {
    for (const s of this.kioskNs.sockets.values()) this.sendHello(s);
  }

  /** Disconnects every client and stops listening to the port; the HTTP server is Fastify's to close. */
  async close(): Promise<void> {
    for (const off of this.detach.splice(0)) off();
    for (const [socketId, st] of this.kioskState) {
      if (st.lockTimer !== null) clearTimeout(st.lockTimer);
      if (st.enrollment !== null) await this.cancelQuietly(st.enrollment, socketId);
    }
    this.kioskNs.disconnectSockets(true);
    this.adminNs.disconnectSockets(true);
    this.io.engine.close();
  }

  // ---------- pipeline → screens ----------

  private attachPort(): void {
    const ev = this.ctx.kiosk.events;
    const kioskOut = (this.kioskNs as unknown as KioskOut).to(PAIRED_ROOM);
    const adminOut = this.adminNs as unknown as AdminOut;
    const onDecision = (d: DecisionEvent): void => {
      if (d.punchId !== undefined) this.rememberPunch(d.punchId);
      const dto = decisionDto(d);
      kioskOut.emit('decision', dto);
      adminOut.emit('decision', dto);
      if (d.logged) adminOut.emit('log:changed');
    };
    const onPreview = (f: PreviewFrame): void => {
      if (f.jpeg.length > this.ctx.options.previewMaxBytes || !this.previewGate.admit(this.ctx.clock())) {
        this.counters.previewDropped++;
        return;
      }
      // volatile: a screen that cannot keep up misses frames instead of queueing them.
      (this.kioskNs as unknown as KioskOut).to(PAIRED_ROOM).volatile.emit('preview', previewDto(f));
      this.counters.previewSent++;
    };
    const onCamera = (c: CameraStatus): void => {
      const dto = cameraDto(c);
      kioskOut.emit('camera', dto);
      adminOut.emit('camera', dto);
    };
    const onRecording = (r: RecordingStatus): void => {
      kioskOut.emit('recording', recordingDto(r));
    };
    const onProgress = (p: EnrollmentProgress): void => this.toOwner(p.sessionId, (s) => s.emit('enrollment:progress', progressDto(p)));
    const onCaptured = (c: EnrollmentCaptured): void => this.toOwner(c.sessionId, (s) => s.emit('enrollment:captured', capturedDto(c)));
    const onFailed = (f: { sessionId: string; reason: string }): void => {
      this.toOwner(f.sessionId, (s) => s.emit('enrollment:failed', { sessionId: f.sessionId, reason: f.reason }));
      this.forgetEnrollment(f.sessionId);
    };
    ev.on('decision', onDecision);
    ev.on('preview', onPreview);
    ev.on('camera', onCamera);
    ev.on('recording', onRecording);
    ev.on('enrollment:progress', onProgress);
    ev.on('enrollment:captured', onCaptured);
    ev.on('enrollment:failed', onFailed);
    const hub = this.ctx.hubLink;
    if (hub !== null) this.detach.push(hub.onStatus((st) => adminOut.emit('hub:status', hubLinkDto(st))), hub.onRecordsChanged(() => this.logChanged()));
    this.detach.push(() => {
      ev.off('decision', onDecision);
      ev.off('preview', onPreview);
      ev.off('camera', onCamera);
      ev.off('recording', onRecording);
      ev.off('enrollment:progress', onProgress);
      ev.off('enrollment:captured', onCaptured);
      ev.off('enrollment:failed', onFailed);
    });
  }

  private rememberPunch(punchId: number): void {
    const now = this.ctx.clock();
    for (const [id, at] of this.recentPunches) if (now - at > this.ctx.options.notMeMs) this.recentPunches.delete(id);
    this.recentPunches.set(punchId, now);
  }

  private toOwner(sessionId: string, send: (s: KioskSocketOut) => void): void {
    const socketId = this.enrollOwners.get(sessionId);
    const socket = socketId === undefined ? undefined : this.kioskNs.sockets.get(socketId);
    if (socket !== undefined) send(socket as unknown as KioskSocketOut);
  }

  private forgetEnrollment(sessionId: string): void {
    const socketId = this.enrollOwners.get(sessionId);
    this.enrollOwners.delete(sessionId);
    const st = socketId === undefined ? undefined : this.kioskState.get(socketId);
    if (st !== undefined && st.enrollment === sessionId) st.enrollment = null;
  }

  // ---------- /kiosk ----------

  /** Loopback is the device's own screen; otherwise the handshake's `displayToken` must belong to a paired screen. */
  private identify(socket: Socket): DisplayIdentity {
    if (isLocalAddress(socket.handshake.address)) return { kind: 'local' };
    const auth: unknown = socket.handshake.auth;
    const token = typeof auth === 'object' && auth !== null ? (auth as Record<string, unknown>).displayToken : undefined;
    if (typeof token !== 'string' || token.length === 0 || token.length > 200) return { kind: 'unpaired' };
    const display = this.ctx.displays.byTokenHash(hashToken(token));
    return display === null ? { kind: 'unpaired' } : { kind: 'paired', id: display.id, name: display.name };
  }

  private kioskConfig(display: DisplayIdentity): KioskConfigDto {
    const o = this.ctx.options;
    const paired = display.kind !== 'unpaired';
    const code = paired ? this.ctx.setupCode.current() : null;
    return {
      language: o.language,
      timeZone: o.timeZone,
      sound: o.sound,
      greetingMs: o.greetingMs,
      menuAvailable: paired && this.ctx.pin.isSet(),
      paired,
      displayName: display.kind === 'paired' ? display.name : null,
      setupCode: code === null ? null : formatCode(code),
      notMeMs: o.notMeMs,
    };
  }

  private sendHello(socket: Socket): void {
    const display = displayOf(socket);
    const paired = display.kind !== 'unpaired';
    if (paired) void socket.join(PAIRED_ROOM);
    // Unpaired screens learn nothing about the camera either: its reason text may name the device.
    const status = this.ctx.kiosk.status();
    const out = socket as unknown as KioskSocketOut;
    out.emit('hello', this.kioskConfig(display), paired ? cameraDto(status.camera) : { state: status.camera.state, reason: '', since: 0 });
    if (paired) out.emit('recording', recordingDto(status.recording));
  }

  /** Audit actor of a kiosk screen action: which screen it was typed on. */
  private screenActor(socket: Socket): string {
    const d = displayOf(socket);
    return d.kind === 'paired' ? `kiosk:screen:${d.id}` : 'kiosk:local';
  }

  /** Back-off key of a screen: each paired screen has its own, the device's own screen one. */
  private pinKey(socket: Socket): string | null {
    const d = displayOf(socket);
    return d.kind === 'local' ? 'local' : d.kind === 'paired' ? `display:${d.id}` : null;
  }

  private onKiosk(socket: Socket): void {
    const st: KioskSocketState = { unlockedUntil: 0, lockTimer: null, enrollment: null, busy: false };
    this.kioskState.set(socket.id, st);
    this.sendHello(socket);

    const unlocked = (): boolean => st.unlockedUntil > this.ctx.clock();
    const touch = (): void => {
      st.unlockedUntil = this.ctx.clock() + this.ctx.options.menuUnlockMs;
      if (st.lockTimer !== null) clearTimeout(st.lockTimer);
      st.lockTimer = setTimeout(() => void this.lock(socket, st, true), this.ctx.options.menuUnlockMs);
      st.lockTimer.unref();
    };
    /** Menu actions: refused (and counted) unless this socket entered the PIN recently. */
    const menu = <T>(run: () => Promise<T> | T): Promise<T | Refusal> | Refusal => {
      if (!unlocked()) {
        this.counters.unauthorized++;
        return refuse('locked', 'enter the PIN first');
      }
      touch();
      return Promise.resolve().then(run);
    };

    const handlers: Handlers<KioskClientToServer> = {
      'display:pair': async (req) => {
        if (displayOf(socket).kind !== 'unpaired') return refuse('bad-request', 'this screen is paired already');
        const key = `pair:${socket.handshake.address}`;
        const limiter = this.ctx.limiters.code;
        const check = limiter.check(key);
        if (!check.allowed) return refuse('rate-limited', 'too many wrong pairing codes', check.retryAfterMs);
        const grant = this.ctx.pairing.redeem(req.code);
        if (grant === null) {
          limiter.fail(key);
          this.logger.warn({ client: socket.handshake.address }, 'wrong screen pairing code');
          return refuse('not-found', 'no such pairing code (it may have expired)');
        }
        limiter.reset(key);
        const token = randomBytes(DISPLAY_TOKEN_BYTES).toString('base64url');
        const display = this.ctx.displays.add(grant.name, hashToken(token), grant.issuedBy);
        this.logger.info({ displayId: display.id, name: display.name, client: socket.handshake.address }, 'screen paired');
        socket.data.display = { kind: 'paired', id: display.id, name: display.name } satisfies DisplayIdentity;
        this.sendHello(socket);
        return { ok: true as const, token, name: display.name };
      },
      'menu:unlock': async (req) => {
        const pin = this.ctx.pin;
        const key = this.pinKey(socket);
        if (key === null) {
          this.counters.unauthorized++;
          return refuse('unpaired', 'pair this screen first (admin pages → screens)');
        }
        if (!pin.isSet()) return refuse('no-pin', 'no PIN is set: finish setup in the admin pages');
        if (st.busy) return refuse('busy');
        const limiter = this.ctx.limiters.pin;
        const check = limiter.check(key);
        if (!check.allowed) return refuse('rate-limited', 'too many wrong PINs', check.retryAfterMs);
        // Counted before the check and forgiven on success, so parallel guesses cannot slip past the limit.
        limiter.fail(key);
        st.busy = true;
        try {
          if (!(await pin.verify(req.pin, KIOSK_ACTOR))) {
            this.logger.warn({ screen: key, client: socket.handshake.address }, 'wrong kiosk PIN');
            return refuse('wrong-pin');
          }
        } finally {
          st.busy = false;
        }
        limiter.reset(key);
        touch();
        return { ok: true, expiresInMs: this.ctx.options.menuUnlockMs };
      },
      'menu:lock': async () => {
        await this.lock(socket, st, false);
        return { ok: true };
      },
      'people:list': (req) =>
        menu(() => ({ ok: true as const, people: this.ctx.store.people.list({ search: req.search }).map(personSummaryDto) })),
      'enroll:begin': (req) =>
        menu(async () => {
          if (st.enrollment !== null) await this.cancelQuietly(st.enrollment, socket.id);
          if (req.personId !== undefined && this.ctx.store.people.get(req.personId) === null) return refuse('not-found', 'no such person');
          const begin: { name: string; employeeCode: string | null; personId?: number } = { name: req.name, employeeCode: req.employeeCode };
          if (req.personId !== undefined) begin.personId = req.personId;
          const r = await this.ctx.kiosk.enrollment.begin(begin);
          st.enrollment = r.sessionId;
          this.enrollOwners.set(r.sessionId, socket.id);
          this.logger.info({ sessionId: r.sessionId, personId: req.personId ?? null }, 'enrollment started from the kiosk menu');
          return { ok: true as const, sessionId: r.sessionId, needed: r.needed };
        }),
      'enroll:confirm': (req) =>
        menu(async () => {
          if (st.enrollment !== req.sessionId) return refuse('not-found', 'not this screen\'s enrollment');
          const r = await this.ctx.kiosk.enrollment.confirm(req.sessionId, KIOSK_ACTOR);
          this.forgetEnrollment(req.sessionId);
          this.logger.info({ sessionId: req.sessionId, personId: r.personId, samples: r.samples }, 'enrollment saved');
          return { ok: true as const, personId: r.personId, samples: r.samples };
        }),
      'enroll:cancel': (req) =>
        menu(async () => {
          if (st.enrollment !== req.sessionId) return refuse('not-found', 'not this screen\'s enrollment');
          await this.ctx.kiosk.enrollment.cancel(req.sessionId);
          this.forgetEnrollment(req.sessionId);
          return { ok: true as const };
        }),
      'fallback:punch': async (req) => {
        const display = displayOf(socket);
        if (display.kind === 'unpaired') {
          this.counters.unauthorized++;
          return refuse('unpaired', 'pair this screen first (admin pages → screens)');
        }
        // Keyed by the code as typed (case-folded): guesses at one person's PIN slow down on every screen.
        const key = `employee:${req.employeeCode.toLowerCase()}`;
        const limiter = this.ctx.limiters.fallback;
        const check = limiter.check(key);
        if (!check.allowed) return refuse('rate-limited', 'too many wrong PINs for this employee code', check.retryAfterMs);
        // Counted before the check and forgiven on success, so parallel guesses cannot slip past the limit.
        limiter.fail(key);
        const who = this.ctx.store.people.fallbackCredentials(req.employeeCode);
        const ok = who !== null && who.pinHash !== null && (await this.ctx.hasher.verify(req.pin, who.pinHash)).ok;
        if (!ok || who === null) {
          this.logger.warn({ screen: this.pinKey(socket), client: socket.handshake.address }, 'wrong employee code or personal PIN at the fallback');
          return refuse('wrong-pin', 'wrong employee code or PIN');
        }
        limiter.reset(key);
        const photo = await this.ctx.kiosk.evidence.currentFace(this.ctx.options.fallbackPhotoMaxAgeMs).catch((err: unknown) => {
          this.logger.warn({ err }, 'no photo for the fallback punch');
          return null;
        });
        const ts = this.ctx.clock();
        const actor = this.screenActor(socket);
        const { punchId } = this.ctx.store.attendance.recordFallback({ personId: who.id, ts, actor }, (id) => {
          if (photo !== null) this.ctx.store.people.evidence.put({ kind: 'punch', id }, photo, ts);
        });
        this.logger.info({ punchId, personId: who.id, photo: photo !== null, screen: actor }, 'fallback punch (code + PIN)');
        this.logChanged();
        return { ok: true as const, name: who.name, punchId, ts };
      },
      'punch:not-me': (req) => {
        if (displayOf(socket).kind === 'unpaired') {
          this.counters.unauthorized++;
          return refuse('unpaired', 'pair this screen first (admin pages → screens)');
        }
        const at = this.recentPunches.get(req.punchId);
        if (at === undefined || this.ctx.clock() - at > this.ctx.options.notMeMs) return refuse('not-found', 'that punch can no longer be voided here (ask an admin)');
        this.recentPunches.delete(req.punchId);
        const r = this.ctx.store.attendance.void(req.punchId, 'not me: touched on the kiosk greeting', this.screenActor(socket));
        if (!r.voided) return refuse('not-found', `punch ${req.punchId} is ${r.reason}`);
        this.logger.info({ punchId: req.punchId }, 'punch voided as "not me" at the kiosk');
        this.logChanged();
        return { ok: true as const };
      },
      'people:remove': (req) =>
        menu(async () => {
          if (this.ctx.store.people.get(req.personId) === null) return refuse('not-found', 'no such person');
          await this.ctx.kiosk.enrollment.remove(req.personId, KIOSK_ACTOR);
          this.logChanged();
          return { ok: true as const };
        }),
    };
    this.bind(socket, kioskRequestSchemas, handlers);

    socket.on('disconnect', () => {
      if (st.lockTimer !== null) clearTimeout(st.lockTimer);
      this.kioskState.delete(socket.id);
      if (st.enrollment !== null) void this.cancelQuietly(st.enrollment, socket.id);
    });
  }

  private async lock(socket: Socket, st: KioskSocketState, notify: boolean): Promise<void> {
    st.unlockedUntil = 0;
    if (st.lockTimer !== null) clearTimeout(st.lockTimer);
    st.lockTimer = null;
    if (st.enrollment !== null) await this.cancelQuietly(st.enrollment, socket.id);
    if (notify && socket.connected) (socket as unknown as KioskSocketOut).emit('menu:locked');
  }

  private async cancelQuietly(sessionId: string, socketId: string): Promise<void> {
    if (this.enrollOwners.get(sessionId) !== socketId) return;
    this.forgetEnrollment(sessionId);
    try {
      await this.ctx.kiosk.enrollment.cancel(sessionId);
    } catch (err) {
      this.logger.warn({ err, sessionId }, 'cancelling an abandoned enrollment failed');
    }
  }

  // ---------- /admin ----------

  private adminOf(socket: Socket): AdminIdentity | null {
    const token = readCookie(socket.request.headers.cookie, SESSION_COOKIE);
    const who = token === null ? null : this.ctx.sessions.validate(token);
    if (who !== null) socket.data.sessionId = who.sessionId;
    return who;
  }

  private onAdmin(socket: Socket): void {
    const handlers: Handlers<AdminClientToServer> = {
      'status:get': () => {
        const s = this.ctx.kiosk.status();
        return {
          ok: true as const,
          status: {
            camera: cameraDto(s.camera),
            backend: s.backend,
            descriptor: s.descriptor,
            fps: s.fps,
            enrolledPeople: s.enrolledPeople,
            socket: this.stats(),
          },
        };
      },
    };
    // The session may expire or be logged out while the socket stays open: re-check on every event.
    this.bind(socket, adminRequestSchemas, handlers, () => {
      if (this.adminOf(socket) !== null) return null;
      this.counters.unauthorized++;
      (socket as unknown as AdminSocketOut).emit('session:ended');
      setImmediate(() => socket.disconnect(true));
      return refuse('unauthorized', 'the admin session has ended');
    });
  }

  // ---------- validation ----------

  private bind<M>(socket: Socket, schemas: SchemaMap<M>, handlers: Handlers<M>, guard?: () => Refusal | null): void {
    const known = new Set(Object.keys(schemas));
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (typeof event === 'string' && known.has(event)) return;
      this.counters.unknownEvents++;
      const ack = args[args.length - 1];
      if (typeof ack === 'function') (ack as (r: Refusal) => void)(refuse('bad-request', 'unknown event'));
    });
    for (const event of Object.keys(schemas) as (keyof M & string)[]) this.bindOne(socket, event, schemas[event], handlers[event], guard);
  }

  private bindOne<M, K extends keyof M & string>(
    socket: Socket,
    event: K,
    schema: z.ZodType<RequestOf<M, K>, unknown>,
    handler: Handlers<M>[K],
    guard: (() => Refusal | null) | undefined,
  ): void {
    // Registered untyped on purpose: what arrives is whatever the client sent, checked below.
    (socket as unknown as RawListener).on(event, (...args: unknown[]) => {
      const ackArg = args[args.length - 1];
      if (args.length !== 2 || typeof ackArg !== 'function') {
        // Without a reply callback there is no one to answer; drop it.
        this.counters.malformed++;
        return;
      }
      const ack = (reply: unknown): void => {
        try {
          (ackArg as (r: unknown) => void)(reply);
        } catch (err) {
          this.logger.debug({ err, event }, 'ack failed');
        }
      };
      if (jsonSize(args[0]) > this.ctx.options.socketMaxMessageBytes) {
        this.counters.oversized++;
        ack(refuse('bad-request', 'message too large'));
        return;
      }
      const refusal = guard?.() ?? null;
      if (refusal !== null) {
        ack(refusal);
        return;
      }
      const parsed = schema.safeParse(args[0]);
      if (!parsed.success) {
        this.counters.malformed++;
        ack(refuse('bad-request', parsed.error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ')));
        return;
      }
      Promise.resolve()
        .then(() => handler(parsed.data, socket))
        .then(ack, (err: unknown) => {
          this.logger.error({ err, event }, 'socket handler failed');
          ack(refuse('failed', isKioskError(err) ? err.toLine() : 'internal error'));
        });
    });
  }
}
