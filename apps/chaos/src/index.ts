export { runChaos, chaosPassed, formatReport, killSchedule, type ChaosOptions, type ChaosReport } from './chaos';
