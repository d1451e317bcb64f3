/** Resolver parents for codegen (root codegen.ts): what each type's resolvers receive. */
export const mappers = {
  Position: '../services/positions.js#PositionView',
  Tracking: '../services/tracking.js#TrackingView',
  GeofenceCrossing: '../services/geofences.js#Crossing',
  TrackingUpdate: '../services/live.js#TrackingLive',
  LocationReport: '../services/tracking.js#ReportOutcome',
};
