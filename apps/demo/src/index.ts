export { generateSyntheticDay, shuffleDeliveries, type Delivery, type SyntheticDay, type SyntheticDayOptions } from './synthetic-day';
