/**
 * Linux audit record types (docs/sources/auditd.md#mapping): which records only describe a
 * call, and the category of an event by its primary record type or system call.
 */
import type { EventInput } from '../event/schema.js';

type Category = NonNullable<EventInput['category']>;

/** Records that describe a SYSCALL or user-space record rather than stand for the event. */
export const AUXILIARY = new Set([
  'SYSCALL',
  'EXECVE',
  'CWD',
  'PATH',
  'PROCTITLE',
  'SOCKADDR',
  'BPRM_FCAPS',
  'FD_PAIR',
  'MMAP',
  'OBJ_PID',
  'CAPSET',
  'IPC',
  'IPC_SET_PERM',
  'MQ_OPEN',
  'MQ_SENDRECV',
  'MQ_NOTIFY',
  'MQ_GETSETATTR',
  'KERN_MODULE',
  'OPENAT2',
  'TIME_INJOFFSET',
  'TIME_ADJNTPVAL',
]);

export const TYPE_CATEGORY: Record<string, Category> = {
  USER_LOGIN: 'authentication',
  USER_LOGOUT: 'authentication',
  USER_AUTH: 'authentication',
  USER_START: 'authentication',
  USER_END: 'authentication',
  USER_ERR: 'authentication',
  LOGIN: 'authentication',
  CRED_ACQ: 'authentication',
  CRED_DISP: 'authentication',
  CRED_REFR: 'authentication',
  GRP_AUTH: 'authentication',
  ANOM_LOGIN_FAILURES: 'authentication',
  USER_ACCT: 'authorization',
  AVC: 'authorization',
  USER_AVC: 'authorization',
  SELINUX_ERR: 'authorization',
  USER_SELINUX_ERR: 'authorization',
  ADD_USER: 'account',
  DEL_USER: 'account',
  USER_MGMT: 'account',
  ADD_GROUP: 'account',
  DEL_GROUP: 'account',
  GRP_MGMT: 'account',
  USER_CHAUTHTOK: 'account',
  GRP_CHAUTHTOK: 'account',
  CHUSER_ID: 'account',
  CHGRP_ID: 'account',
  ACCT_LOCK: 'account',
  ACCT_UNLOCK: 'account',
  ROLE_ASSIGN: 'access_control',
  ROLE_REMOVE: 'access_control',
  ROLE_MODIFY: 'access_control',
  USER_ROLE_CHANGE: 'access_control',
  USER_CMD: 'admin',
  SERVICE_START: 'admin',
  SERVICE_STOP: 'admin',
  SYSTEM_BOOT: 'admin',
  SYSTEM_SHUTDOWN: 'admin',
  SYSTEM_RUNLEVEL: 'admin',
  CONFIG_CHANGE: 'audit',
  DAEMON_START: 'audit',
  DAEMON_END: 'audit',
  DAEMON_ABORT: 'audit',
  DAEMON_CONFIG: 'audit',
  DAEMON_ROTATE: 'audit',
  DAEMON_RESUME: 'audit',
  MAC_POLICY_LOAD: 'configuration',
  MAC_CONFIG_CHANGE: 'configuration',
  MAC_STATUS: 'configuration',
  NETFILTER_CFG: 'configuration',
  USYS_CONFIG: 'configuration',
};

const SYSCALL_DATA = /^(open|openat|openat2|open_by_handle_at|read|access|stat)$/;
const SYSCALL_CHANGE =
  /^(write|creat|truncate|ftruncate|(unlink|rename|mkdir|link|symlink|fchmod|fchown)(at|at2)?|renameat2|rmdir|chmod|fchmod|chown|fchown|lchown|setxattr)$/;
const SYSCALL_ACCESS = /^set(re|res)?[ug]id$/;
const SYSCALL_ADMIN =
  /^(mount|umount2|init_module|finit_module|delete_module|reboot|settimeofday|clock_settime|adjtimex|sethostname|setdomainname|pivot_root|chroot|swapon|bpf)$/;

export function categoryOf(type: string, sysName: string | undefined): Category {
  if (Object.hasOwn(TYPE_CATEGORY, type)) return TYPE_CATEGORY[type]!;
  if (type !== 'SYSCALL' || sysName === undefined) return 'other';
  if (SYSCALL_DATA.test(sysName)) return 'data';
  if (SYSCALL_CHANGE.test(sysName)) return 'change';
  if (SYSCALL_ACCESS.test(sysName)) return 'access_control';
  if (SYSCALL_ADMIN.test(sysName)) return 'admin';
  return 'other';
}
